import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createNote, createNotebook, newUser, ORIGIN, type User } from "./helpers";

type Param = { name: string; in: "path" | "query" | "header" };
type Doc = { paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: unknown }>> };

// Values a generator reading the OpenAPI document would try; none may ever produce a 5xx.
const HOSTILE = ["", "-1", "1e309", "null", "..%2F..", "'\";--", "\u202e\u0000", "😀".repeat(80), "a".repeat(2000)];

describe("generated hostile requests never get a 5xx", () => {
  let doc: Doc;
  let user: User;
  const real: Record<string, string> = {};
  beforeAll(async () => {
    doc = (await (await SELF.fetch(`${ORIGIN}/notes/openapi.json`)).json()) as Doc;
    user = await newUser();
    const nb = await createNotebook(user.token);
    const note = await createNote(user.token, nb.id);
    Object.assign(real, { id: note.id, revisionId: "x", userId: "someone", token: "t".repeat(43), attachmentId: "a" });
  });

  // ~800 requests since every /v1 operation documents the X-D1-Bookmark header (packages/product), each one also
  // checked against the document by the response contract check: a budget, not a speed assertion
  it("for every path, query and header parameter of every route", { timeout: 300_000 }, async () => {
    const failures: string[] = [];
    const requests: { label: string; url: string; init: RequestInit; in: Param["in"] }[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const param of op.parameters ?? []) {
          for (const value of HOSTILE) {
            let path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
              name === param.name && param.in === "path" ? encodeURIComponent(value) : (real[name] ?? "x"),
            );
            const headers: Record<string, string> = { Authorization: `Bearer ${user.token}` };
            if (param.in === "query") path += `?${param.name}=${encodeURIComponent(value)}`;
            // biome-ignore lint/suspicious/noControlCharactersInRegex: such values cannot be sent as a header
            if (param.in === "header" && /[\u0000-\u001f\u007f-\uffff]/.test(value)) continue;
            if (param.in === "header") headers[param.name] = value;
            requests.push({
              label: `${method.toUpperCase()} ${path} (${param.in} ${param.name})`,
              url: `${ORIGIN}${path}`,
              init: { method: method.toUpperCase(), headers },
              in: param.in,
            });
          }
        }
      }
    }
    for (let i = 0; i < requests.length; i += 25) {
      await Promise.all(
        requests.slice(i, i + 25).map(async ({ label, url, init }) => {
          const res = await SELF.fetch(url, init);
          await res.body?.cancel();
          if (res.status >= 500) failures.push(`${label} → ${res.status}`);
        }),
      );
    }
    // an empty or unreadable document would generate nothing and pass: every kind of parameter must be tried
    expect(new Set(requests.map((r) => r.in))).toEqual(new Set(["path", "query", "header"]));
    expect(requests.length).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
