import { env } from "cloudflare:workers";
import { describe, expect, it, test } from "vitest";
import { contentDisposition, createApp, isUtf8Text, mediaTypeOf, parseRange, serveR2File, sniffBinaryType } from "../src";

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

describe("sniffBinaryType", () => {
  test.each([
    ["png", bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), "image/png"],
    ["jpeg", bytes(0xff, 0xd8, 0xff, 0xe0), "image/jpeg"],
    ["gif87a", text("GIF87a..."), "image/gif"],
    ["gif89a", text("GIF89a"), "image/gif"],
    ["webp", cat(text("RIFF"), bytes(1, 2, 3, 4), text("WEBPVP8 ")), "image/webp"],
    ["pdf", text("%PDF-1.7\n"), "application/pdf"],
    ["zip", bytes(0x50, 0x4b, 0x03, 0x04, 0x14), "application/zip"],
    ["empty zip", bytes(0x50, 0x4b, 0x05, 0x06, 0, 0), "application/zip"],
    // near misses
    ["png cut short", bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a), null],
    ["png, one byte wrong", bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b), null],
    ["jpeg, two bytes", bytes(0xff, 0xd8), null],
    ["gif88a", text("GIF88a"), null],
    ["RIFF WAVE", cat(text("RIFF"), bytes(1, 2, 3, 4), text("WAVEfmt ")), null],
    ["RIFF alone", text("RIFF"), null],
    ["pdf without dash", text("%PDF"), null],
    ["pdf not at the start", text(" %PDF-1.7"), null],
    ["PK only", bytes(0x50, 0x4b), null],
    ["html", text("<!doctype html>"), null],
    ["svg", text("<svg xmlns='http://www.w3.org/2000/svg'/>"), null],
    ["empty", bytes(), null],
  ])("%s → %s", (_label, data, expected) => {
    expect(sniffBinaryType(data)).toBe(expected);
  });
});

describe("isUtf8Text", () => {
  test.each([
    ["ascii", text("hello"), true],
    ["multi-byte", text("zażółć 🙂"), true],
    ["with a BOM", cat(bytes(0xef, 0xbb, 0xbf), text("x")), true],
    ["empty", bytes(), true],
    ["invalid continuation", bytes(0xc3, 0x28), false],
    ["truncated sequence", bytes(0xe2, 0x82), false],
    ["overlong", bytes(0xc0, 0xaf), false],
    ["NUL", text("a\u0000b"), false],
    ["png", bytes(0x89, 0x50, 0x4e, 0x47), false],
  ])("%s → %s", (_label, data, expected) => {
    expect(isUtf8Text(data)).toBe(expected);
  });
});

test.each([
  [undefined, ""],
  ["image/PNG", "image/png"],
  [" text/plain ; charset=utf-8", "text/plain"],
])("mediaTypeOf(%j) → %j", (header, expected) => {
  expect(mediaTypeOf(header)).toBe(expected);
});

describe("parseRange on 100 bytes", () => {
  test.each([
    [undefined, "all"],
    ["", "all"],
    ["bytes=0-0", { offset: 0, length: 1 }],
    ["bytes=0-9", { offset: 0, length: 10 }],
    ["bytes=5-", { offset: 5, length: 95 }],
    ["bytes=99-", { offset: 99, length: 1 }],
    ["bytes=-5", { offset: 95, length: 5 }],
    ["bytes=-100", { offset: 0, length: 100 }],
    ["bytes=-500", { offset: 0, length: 100 }],
    ["bytes=50-1000", { offset: 50, length: 50 }],
    ["Bytes=0-1", { offset: 0, length: 2 }],
    ["bytes=0-99999999999999999999999999", { offset: 0, length: 100 }],
    ["bytes=-99999999999999999999999999", { offset: 0, length: 100 }],
    // past the end: 416
    ["bytes=100-", "unsatisfiable"],
    ["bytes=100-200", "unsatisfiable"],
    ["bytes=99999999999999999999999999-", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    // reversed, multi-range, other units and junk: ignored, the whole file
    ["bytes=9-1", "all"],
    ["bytes=0-1,3-4", "all"],
    ["bytes=0-1, 3-4", "all"],
    ["bytes=100-,200-", "all"],
    ["items=0-1", "all"],
    ["bytes=-", "all"],
    ["bytes=", "all"],
    ["bytes=a-b", "all"],
    ["bytes=1.5-2", "all"],
    ["bytes=+1-2", "all"],
    ["bytes = 0-1", "all"],
    ["bytes=0x10-", "all"],
    ["garbage", "all"],
  ])("%j → %j", (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });

  test.each([
    ["bytes=0-", "unsatisfiable"],
    ["bytes=-5", "all"],
    ["bytes=-0", "unsatisfiable"],
  ])("%j on an empty file → %j", (header, expected) => {
    expect(parseRange(header, 0)).toEqual(expected);
  });
});

describe("contentDisposition", () => {
  test.each([
    ["photo.png", "inline", `inline; filename="photo.png"; filename*=UTF-8''photo.png`],
    ["screen shot ü.png", "attachment", `attachment; filename="screen shot _.png"; filename*=UTF-8''screen%20shot%20%C3%BC.png`],
    [`a"b\\c%d.txt`, "attachment", `attachment; filename="a_b_c_d.txt"; filename*=UTF-8''a%22b%5Cc%25d.txt`],
    ["it's (1)*.txt", "attachment", `attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`],
  ] as const)("%j as %s", (name, disposition, expected) => {
    expect(contentDisposition(name, disposition)).toBe(expected);
  });
});

describe("serveR2File", () => {
  const content = text("0123456789".repeat(10));
  const app = createApp();
  app.get("/files/:key", (c) =>
    serveR2File(env.FILES, {
      key: c.req.param("key"),
      size: content.byteLength,
      contentType: "text/plain",
      filename: "digits.txt",
      disposition: "attachment",
      range: c.req.header("Range"),
      headers: { "Cache-Control": "private, no-store" },
      label: "Attachment",
    }),
  );
  const get = async (range?: string, key = "digits") => {
    await env.FILES.put("digits", content);
    return app.request(`/files/${key}`, { headers: range ? { Range: range } : {} }, env);
  };

  it("serves the whole file with its headers", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      "accept-ranges": "bytes",
      "content-length": "100",
      "content-type": "text/plain",
      "content-disposition": `attachment; filename="digits.txt"; filename*=UTF-8''digits.txt`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    });
    expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]+"$/);
    expect(res.headers.has("Content-Range")).toBe(false);
    expect(await res.text()).toBe("0123456789".repeat(10));
  });

  test.each([
    ["bytes=0-0", "bytes 0-0/100", "0"],
    ["bytes=-5", "bytes 95-99/100", "56789"],
    ["bytes=97-", "bytes 97-99/100", "789"],
    ["bytes=10-12", "bytes 10-12/100", "012"],
  ])("%s is 206 with %s", async (range, contentRange, body) => {
    const res = await get(range);
    expect(res.status).toBe(206);
    expect(res.headers.get("Content-Range")).toBe(contentRange);
    expect(res.headers.get("Content-Length")).toBe(String(body.length));
    expect(await res.text()).toBe(body);
  });

  test.each(["bytes=0-1,5-6", "bytes=5-1", "junk"])("%s gets the whole file", async (range) => {
    const res = await get(range);
    expect(res.status).toBe(200);
    expect(await res.text()).toHaveLength(100);
  });

  it("is a 416 problem with Content-Range: bytes */size past the end", async () => {
    const res = await get("bytes=100-");
    expect(res.status).toBe(416);
    expect(res.headers.get("Content-Range")).toBe("bytes */100");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.json()).toEqual({
      type: "https://edgeworks.dev/problems/range-not-satisfiable",
      title: "Range not satisfiable",
      status: 416,
      detail: "The requested range starts past the end of the 100-byte file",
      instance: expect.any(String),
      code: "range_not_satisfiable",
    });
  });

  it("is a 404 problem when the object is gone", async () => {
    const res = await get(undefined, "missing");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found", detail: "Attachment not found" });
  });
});
