import { describe, expect, it, test } from "vitest";
import { crc32 } from "../src/qr/png";
import { qrMatrix } from "../src/qr/qr-code";
import { call, createLink, expectProblem, newUser } from "./helpers";

const inflate = async (bytes: Uint8Array) =>
  new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer());

/** Reads a PNG's chunks, checking every CRC. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

describe("GET /links/v1/links/{id}/qr", () => {
  it("is an SVG by default, sized as asked", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const res = await call("GET", `/links/${link.id}/qr`, token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="256" height="256" viewBox="0 0 (\d+) \1"/);
    const sized = await (await call("GET", `/links/${link.id}/qr?format=svg&size=512`, token)).text();
    expect(sized).toContain('width="512" height="512"');
  });

  it("is a valid PNG whose modules are the QR code of the short URL", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const size = 300;
    const res = await call("GET", `/links/${link.id}/qr?format=png&size=${size}`, token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    const png = new Uint8Array(await res.arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    const ihdr = new DataView(parts[0]!.data.buffer, parts[0]!.data.byteOffset, 13);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), ihdr.getUint8(8), ihdr.getUint8(9), ihdr.getUint8(12)]).toEqual([size, size, 1, 0, 0]);
    const stride = Math.ceil(size / 8) + 1;
    const raw = await inflate(parts[1]!.data);
    expect(raw.length).toBe(stride * size);
    const dark = (x: number, y: number) => ((raw[y * stride + 1 + (x >> 3)]! >> (7 - (x & 7))) & 1) === 0;
    const matrix = qrMatrix(link.shortUrl);
    const n = matrix.length;
    const scale = Math.floor(size / n);
    const offset = Math.floor((size - n * scale) / 2);
    for (let my = 0; my < n; my++) {
      for (let mx = 0; mx < n; mx++) {
        expect(dark(offset + mx * scale + (scale >> 1), offset + my * scale + (scale >> 1))).toBe(matrix[my]![mx]);
      }
    }
  });

  test.each([
    ["size=63", "size"],
    ["size=1025", "size"],
    ["size=abc", "size"],
    ["size=100.5", "size"],
    ["format=gif", "format"],
  ])("%s is a 422", async (q, path) => {
    const { token } = await newUser();
    const link = await createLink(token);
    await expectProblem(await call("GET", `/links/${link.id}/qr?${q}`, token), 422, "validation_failed", [path]);
  });

  it.each([64, 1024])("size %i works", async (size) => {
    const { token } = await newUser();
    const link = await createLink(token);
    const res = await call("GET", `/links/${link.id}/qr?format=png&size=${size}`, token);
    expect(res.status).toBe(200);
    const png = new Uint8Array(await res.arrayBuffer());
    expect(new DataView(png.buffer).getUint32(16)).toBe(size);
  });
});
