import { describeConformance, extraBadCredentials, hostile, mintToken } from "@edgeworks/testing";
import { beforeAll, expect, it } from "vitest";
import * as worker from "../src/index";
import * as schema from "../src/schema";
import { TEST_API_KEYS } from "./api-keys";
import { call, createLink, expectProblem, type Link, newUser, OWNER_ROUTES, rowsOf } from "./helpers";

let owner = { id: "", token: "" };
let ownerLink: Link;

beforeAll(async () => {
  owner = await newUser();
  ownerLink = await createLink(owner.token, { title: "Owner's link", tags: ["secret"] });
});

describeConformance({
  name: "links",
  origin: "https://sho.rt",
  prefix: "/links",
  worker,
  handlers: ["fetch", "queue"],
  durableObjects: ["RateLimiter", "ClickCap"],
  schema,
  security: {
    routes: OWNER_ROUTES,
    fill: (text) => text.replace("ID", ownerLink.id),
    owner: () => owner,
    otherScopes: ["todo:read todo:write"],
    snapshot: () => rowsOf(owner.id),
    badCredentials: [
      extraBadCredentials.otherIssuer,
      extraBadCredentials.unknownApiKey,
      ["an API key while accounts fails", async () => ({ Authorization: `Bearer ${TEST_API_KEYS.broken}` })],
    ],
    hostile: {
      cases: [
        hostile.malformed(),
        hostile.textPlain('{"url":"https://example.com"}'),
        hostile.form("url=https://example.com"),
        hostile.twoMiB(),
        hostile.invalid("a lone surrogate", '{"url":"https://example.com","title":"bad \\ud800 text"}'),
        hostile.invalid("a NUL character", '{"url":"https://example.com","title":"a\\u0000b"}'),
        hostile.invalid("a JSON array", "[]"),
        hostile.invalid("JSON null", "null"),
      ],
      missingBody: (r) => r.method === "POST",
    },
    extend: {
      authentication: () => {
        it("a read-only token can read but not write (403)", async () => {
          const owner = await newUser();
          const link = await createLink(owner.token);
          const reader = await mintToken({ sub: owner.id, scope: "links:read" });
          expect((await call("GET", `/links/${link.id}`, reader)).status).toBe(200);
          await expectProblem(await call("PATCH", `/links/${link.id}`, reader, { title: "x" }), 403, "forbidden");
          await expectProblem(await call("DELETE", `/links/${link.id}`, reader), 403, "forbidden");
          const other = await mintToken({ sub: owner.id, scope: "todo:read todo:write" });
          await expectProblem(await call("GET", `/links/${link.id}`, other), 403, "forbidden");
        });

        it("API keys work through accounts' RPC, with their scopes", async () => {
          const [readKey, fullKey] = Object.keys(TEST_API_KEYS.valid) as [string, string];
          const created = await call("POST", "/links", fullKey, { url: "https://example.com/by-key" });
          expect(created.status).toBe(201);
          const link = (await created.json()) as Link;
          expect((await call("GET", `/links/${link.id}`, fullKey)).status).toBe(200);
          // the reader key belongs to another user: the writer's link is not theirs
          await expectProblem(await call("GET", `/links/${link.id}`, readKey), 404, "not_found");
          await expectProblem(await call("POST", "/links", readKey, { url: "https://example.com" }), 403, "forbidden");
        });
      },
    },
  },
});
