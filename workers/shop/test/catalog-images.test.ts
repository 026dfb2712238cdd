import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, call, newAdmin, newUser } from "./helpers";

// Product images in R2: byte checks by magic number, size limit, public immutable serving with a strong
// ETag and 304, ordering and alt text, removal.

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
const GIF = new TextEncoder().encode("GIF89a\x01\x00\x01\x00");
const WEBP = new Uint8Array([...new TextEncoder().encode("RIFF"), 4, 0, 0, 0, ...new TextEncoder().encode("WEBPVP8 ")]);

interface Image {
  id: string;
  url: string;
  alt: string;
  contentType: string;
  size: number;
  position: number;
}

let admin = { id: "", token: "" };
let customer = { id: "", token: "" };
let productId = "";

const upload = (bytes: Uint8Array | string, type: string, query = "", token = admin.token, id = productId) =>
  fetchSelf(`${BASE}/products/${id}/images${query}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": type },
    body: bytes,
  });
const fetchSelf = (url: string, init?: RequestInit) => api.fetch(url, init);

beforeAll(async () => {
  admin = await newAdmin();
  customer = await newUser();
  const p = await api.ok<{ id: string }>(
    call("POST", "/products", admin.token, {
      title: `Pictured ${crypto.randomUUID()}`,
      currency: "USD",
      status: "active",
      variants: [{ sku: `PIC-${crypto.randomUUID().slice(0, 8)}`, title: "one", price: 100 }],
    }),
    201,
  );
  productId = p.id;
});

describe("product images", () => {
  it("stores each accepted type whose bytes match, in order, with alt text", async () => {
    const made: Image[] = [];
    for (const [bytes, type] of [
      [PNG, "image/png"],
      [JPEG, "image/jpeg"],
      [GIF, "image/gif"],
      [WEBP, "image/webp"],
    ] as const) {
      made.push(await api.ok<Image>(upload(bytes, type, "?alt=A%20red%20tee"), 201));
    }
    expect(made.map((m) => [m.contentType, m.position, m.alt])).toEqual([
      ["image/png", 0, "A red tee"],
      ["image/jpeg", 1, "A red tee"],
      ["image/gif", 2, "A red tee"],
      ["image/webp", 3, "A red tee"],
    ]);
    // move the last to the front
    await api.ok(call("PATCH", `/products/${productId}/images/${made[3]?.id}`, admin.token, { position: 0, alt: "front" }));
    await api.ok(call("PATCH", `/products/${productId}/images/${made[0]?.id}`, admin.token, { position: 5 }));
    const product = await api.ok<{ images: Image[] }>(call("GET", `/products/${productId}`));
    expect(product.images.map((i) => i.id)).toEqual([made[3]?.id, made[1]?.id, made[2]?.id, made[0]?.id]);
    expect(product.images[0]?.alt).toBe("front");
    const listed = await api.ok<{ items: { id: string; image: { id: string } | null }[] }>(call("GET", `/products?q=Pictured&limit=100`));
    expect(listed.items.find((i) => i.id === productId)?.image?.id).toBe(made[3]?.id);
  });

  it("refuses bytes that are not the declared type (415), other types (415), empty (422), too large (413)", async () => {
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM product_images WHERE product_id = ?").bind(productId).first<{ n: number }>())?.n;
    const before = await count();
    await api.problem(upload(JPEG, "image/png"), 415, "unsupported_media_type");
    await api.problem(upload("<svg onload=alert(1)>", "image/png"), 415, "unsupported_media_type");
    await api.problem(upload("<svg/>", "image/svg+xml"), 415, "unsupported_media_type");
    await api.problem(upload("<html>", "text/html"), 415, "unsupported_media_type");
    await api.problem(upload(new Uint8Array(0), "image/png"), 422, "validation_failed");
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(PNG);
    await api.problem(upload(big, "image/png"), 413, "payload_too_large");
    const huge = new Uint8Array(8 * 1024 * 1024);
    huge.set(PNG);
    await api.problem(upload(huge, "image/png"), 413, "payload_too_large");
    await api.problem(upload(PNG, "image/png", "?alt=%00"), 422, "validation_failed", ["alt"]);
    expect(await count()).toBe(before);
  });

  it("takes images above the 1 MiB JSON body limit, up to 5 MiB", async () => {
    const large = new Uint8Array(5 * 1024 * 1024);
    large.set(PNG);
    const img = await api.ok<Image>(upload(large, "image/png"), 201);
    expect(img.size).toBe(large.byteLength);
    const res = await fetchSelf(`http://shop.test${img.url}`);
    expect(res.headers.get("Content-Length")).toBe(String(large.byteLength));
    await res.arrayBuffer();
  });

  it("serves publicly with a strong ETag, immutable caching, nosniff and 304", async () => {
    const img = await api.ok<Image>(upload(PNG, "image/png"), 201);
    const res = await fetchSelf(`http://shop.test${img.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    // bytes after a valid magic number are not checked: opened directly, nothing in them may run (found by H)
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
    const etag = res.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    const again = await fetchSelf(`http://shop.test${img.url}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(again.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const other = await fetchSelf(`http://shop.test${img.url}`, { headers: { "If-None-Match": '"nope"' } });
    expect(other.status).toBe(200);
    const part = await fetchSelf(`http://shop.test${img.url}`, { headers: { Range: "bytes=0-3" } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(PNG.slice(0, 4));
  });

  it("a retried upload with the same Idempotency-Key stores one image", async () => {
    const key = `img-${crypto.randomUUID()}`;
    const send = () =>
      fetchSelf(`${BASE}/products/${productId}/images`, {
        method: "POST",
        headers: { Authorization: `Bearer ${admin.token}`, "Content-Type": "image/gif", "Idempotency-Key": key },
        body: GIF,
      });
    const stored = async () => ({
      rows: (await env.DB.prepare("SELECT count(*) AS n FROM product_images WHERE product_id = ?").bind(productId).first<{ n: number }>())
        ?.n,
      objects: (await env.FILES.list({ prefix: `shop/products/${productId}/images/` })).objects.length,
    });
    const before = await stored();
    const first = await api.ok<Image>(send(), 201);
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await again.json()) as Image).id).toBe(first.id);
    expect(await stored()).toEqual({ rows: (before.rows ?? 0) + 1, objects: before.objects + 1 });
  });

  it("removes an image (R2 object and row); then 404", async () => {
    const img = await api.ok<Image>(upload(PNG, "image/png"), 201);
    await api.ok(call("DELETE", `/products/${productId}/images/${img.id}`, admin.token), 204);
    await api.problem(fetchSelf(`http://shop.test${img.url}`), 404, "not_found");
    await new Promise((r) => setTimeout(r, 50));
    expect(await env.FILES.head(`shop/products/${productId}/images/${img.id}`)).toBeNull();
    await api.problem(call("DELETE", `/products/${productId}/images/${img.id}`, admin.token), 404, "not_found");
    await api.problem(fetchSelf(`${BASE}/images/unknown`), 404, "not_found");
  });

  it("admin only: 401 without a token, 403 for a customer, 404 for an unknown product", async () => {
    await api.problem(
      fetchSelf(`${BASE}/products/${productId}/images`, { method: "POST", headers: { "Content-Type": "image/png" }, body: PNG }),
      401,
      "unauthorized",
    );
    await api.problem(upload(PNG, "image/png", "", customer.token), 403, "forbidden");
    await api.problem(upload(PNG, "image/png", "", admin.token, "nope"), 404, "not_found");
  });
});
