import { env } from "cloudflare:test";
import { PhotonImage } from "@cf-wasm/photon";
import { createFakeNet, type FakeNet } from "@edgeworks/egress/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { imageHeader } from "../../src/handlers/image-header";
import { BUILTIN_HANDLERS, PermanentError } from "../../src/handlers/registry";
import { makeContext } from "./context";

const { handler, payload: schema } = BUILTIN_HANDLERS["image.thumbnail"]!;
type Thumb = { key: string; width: number; height: number; contentType: string; bytes: number; data?: string };

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A w×h image, left half red, right half blue (RGBA), encoded by photon as PNG or JPEG. */
function fixture(w: number, h: number, format: "png" | "jpeg" = "png"): Uint8Array {
  const pixels = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.set(x < w / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * w + x) * 4);
  const image = new PhotonImage(pixels, w, h);
  try {
    return format === "png" ? image.get_bytes() : image.get_bytes_jpeg(90);
  } finally {
    image.free();
  }
}

/** Random pixels (incompressible), as PNG. */
function noise(w: number, h: number): Uint8Array {
  const pixels = crypto.getRandomValues(new Uint8Array(w * h * 4));
  for (let i = 3; i < pixels.length; i += 4) pixels[i] = 255;
  const image = new PhotonImage(pixels, w, h);
  try {
    return image.get_bytes();
  } finally {
    image.free();
  }
}

/** The RGBA of pixel (x, y) of an encoded image, decoded independently of the handler. */
function pixelAt(bytes: Uint8Array, x: number, y: number): number[] {
  const image = PhotonImage.new_from_byteslice(bytes);
  try {
    const i = (y * image.get_width() + x) * 4;
    return [...image.get_raw_pixels().subarray(i, i + 4)];
  } finally {
    image.free();
  }
}

const run = (payload: unknown) => {
  const { ctx, logs } = makeContext({ name: "image.thumbnail" });
  return { promise: handler(payload, ctx) as Promise<Thumb>, logs, job: ctx.job };
};
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error,
  );

let net: FakeNet;
beforeEach(() => {
  net = createFakeNet();
  vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("image.thumbnail", () => {
  it("resizes a PNG (contain keeps the ratio), stores it in R2 and returns it inline", async () => {
    const { promise, job, logs } = run({ image: b64(fixture(64, 32)), width: 16 });
    const result = await promise;
    expect(result).toMatchObject({ key: `thumbnails/${job.id}.png`, width: 16, height: 8, contentType: "image/png" });
    const data = unb64(result.data as string);
    expect(result.bytes).toBe(data.byteLength);
    expect(imageHeader(data)).toEqual({ format: "png", width: 16, height: 8 });
    const [r, , b] = pixelAt(data, 2, 4);
    expect([r, b]).toEqual([255, 0]);
    const [r2, , b2] = pixelAt(data, 13, 4);
    expect([r2, b2]).toEqual([0, 255]);
    const stored = await env.FILES.get(result.key);
    expect(stored?.httpMetadata?.contentType).toBe("image/png");
    expect(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer())).toEqual(data);
    expect(logs).toEqual([`png 64×32, ${fixture(64, 32).byteLength} bytes`, `wrote ${result.key}: 16×8, ${result.bytes} bytes`]);
  });

  it("reads JPEG and writes JPEG (.jpg, image/jpeg)", async () => {
    const { promise, job } = run({ image: b64(fixture(40, 40, "jpeg")), width: 20, height: 20, format: "jpeg" });
    const result = await promise;
    expect(result).toMatchObject({ key: `thumbnails/${job.id}.jpg`, width: 20, height: 20, contentType: "image/jpeg" });
    expect(imageHeader(unb64(result.data as string))).toEqual({ format: "jpeg", width: 20, height: 20 });
    expect((await env.FILES.head(result.key))?.httpMetadata?.contentType).toBe("image/jpeg");
  });

  it("cover fills the box and crops the middle; fill stretches; contain never enlarges", async () => {
    const cover = await run({ image: b64(fixture(64, 32)), width: 16, height: 16, fit: "cover" }).promise;
    expect([cover.width, cover.height]).toEqual([16, 16]);
    // the middle of a red|blue image: red on the left edge, blue on the right
    expect(pixelAt(unb64(cover.data as string), 0, 8)[0]).toBeGreaterThan(200);
    expect(pixelAt(unb64(cover.data as string), 15, 8)[2]).toBeGreaterThan(200);
    const fill = await run({ image: b64(fixture(64, 32)), width: 10, height: 30, fit: "fill" }).promise;
    expect([fill.width, fill.height]).toEqual([10, 30]);
    const small = await run({ image: b64(fixture(8, 4)), width: 512 }).promise;
    expect([small.width, small.height]).toEqual([8, 4]);
    const byHeight = await run({ image: b64(fixture(64, 32)), height: 4 }).promise;
    expect([byHeight.width, byHeight.height]).toEqual([8, 4]);
  });

  it("a thumbnail over 72 KiB stays in R2 only (no inline data)", async () => {
    const source = noise(120, 120);
    expect(source.byteLength).toBeLessThan(96 * 1024);
    const result = await run({ image: b64(source), width: 1024, height: 1024, fit: "fill" }).promise;
    expect(result.bytes).toBeGreaterThan(72 * 1024);
    expect(result.data).toBeUndefined();
    expect((await env.FILES.head(result.key))?.size).toBe(result.bytes);
  });

  it("fetches an image URL through the SSRF-safe fetch", async () => {
    net.upstreams.set("img.example.com", () => new Response(fixture(32, 32), { headers: { "content-type": "image/png" } }));
    const result = await run({ url: "https://img.example.com/cat.png", width: 8 }).promise;
    expect([result.width, result.height]).toEqual([8, 8]);
    expect(net.requests.map((r) => [r.method, r.url, r.headers.accept])).toEqual([
      ["GET", "https://img.example.com/cat.png", "image/png, image/jpeg"],
    ]);
  });

  it.each([
    ["404", 404, true],
    ["403", 403, true],
    ["503", 503, false],
    ["429", 429, false],
  ])("an image URL answering %s: permanent %s", async (_, status, permanent) => {
    net.upstreams.set("img.example.com", () => new Response("no", { status }));
    const error = await failureOf(run({ url: "https://img.example.com/x.png", width: 8 }).promise);
    expect(error instanceof PermanentError).toBe(permanent);
    expect(error.message).toBe(`GET https://img.example.com/x.png answered ${status}`);
  });

  it("an image URL over 96 KiB, or one that is HTML, is permanent", async () => {
    net.upstreams.set("big.example.com", () => new Response(new Uint8Array(100 * 1024)));
    expect(await failureOf(run({ url: "https://big.example.com/", width: 8 }).promise)).toBeInstanceOf(PermanentError);
    net.upstreams.set("html.example.com", () => new Response("<html>hi</html>", { headers: { "content-type": "image/png" } }));
    const error = await failureOf(run({ url: "https://html.example.com/", width: 8 }).promise);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe("Not a PNG or JPEG image");
  });

  it.each(["http://127.0.0.1/img.png", "http://169.254.169.254/x.png", "http://[::1]/a.png", "http://0x7f000001/a.png"])(
    "the URL %s is refused at submit and at run time, nothing fetched",
    async (url) => {
      expect(schema.safeParse({ url, width: 8 }).success).toBe(false);
      expect(await failureOf(run({ url, width: 8 }).promise)).toBeInstanceOf(PermanentError);
      expect(net.requests).toEqual([]);
    },
  );

  it("a redirect of the image URL to a private address is refused", async () => {
    net.upstreams.set("img.example.com", () => new Response(null, { status: 302, headers: { location: "http://10.0.0.1/secret.png" } }));
    expect(await failureOf(run({ url: "https://img.example.com/a.png", width: 8 }).promise)).toBeInstanceOf(PermanentError);
    expect(net.requests.map((r) => r.url)).toEqual(["https://img.example.com/a.png"]);
  });
});

describe("image.thumbnail refuses hostile images before decoding", () => {
  const png = fixture(16, 16);
  /** A PNG signature and IHDR that declare w×h, followed by nothing decodable. */
  const bomb = (w: number, h: number) => {
    const bytes = new Uint8Array(64);
    bytes.set(png.subarray(0, 16));
    const view = new DataView(bytes.buffer);
    view.setUint32(16, w);
    view.setUint32(20, h);
    return bytes;
  };

  it.each([
    ["random bytes", crypto.getRandomValues(new Uint8Array(500)), "Not a PNG or JPEG image"],
    ["text", new TextEncoder().encode("hello, I am not an image"), "Not a PNG or JPEG image"],
    ["a GIF", new TextEncoder().encode("GIF89a\u0001\u0000\u0001\u0000"), "Not a PNG or JPEG image"],
    ["a PNG signature alone", png.subarray(0, 8), "Not a PNG or JPEG image"],
    ["a JPEG SOI without a frame", new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]), "Not a PNG or JPEG image"],
    [
      "a 50000×50000 canvas (decompression bomb)",
      bomb(50_000, 50_000),
      "The image is 50000×50000: at most 8192 px a side and 8000000 pixels",
    ],
    ["4000×4000 (over 8 megapixels)", bomb(4000, 4000), "The image is 4000×4000: at most 8192 px a side and 8000000 pixels"],
    ["a 0×0 canvas", bomb(0, 0), "The image is 0×0: at most 8192 px a side and 8000000 pixels"],
  ])("%s", async (_, bytes, message) => {
    const { promise, job } = run({ image: b64(bytes), width: 8 });
    const error = await failureOf(promise);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe(message);
    expect(await env.FILES.head(`thumbnails/${job.id}.png`)).toBeNull();
  });

  it("a truncated or corrupt image with a plausible header fails permanently, and the decoder still works afterwards", async () => {
    for (const broken of [png.subarray(0, 40), bomb(16, 16), fixture(16, 16, "jpeg").subarray(0, 200)]) {
      const error = await failureOf(run({ image: b64(broken), width: 8 }).promise);
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toBe("The image could not be decoded (corrupt or unsupported PNG/JPEG)");
    }
    expect((await run({ image: b64(png), width: 8 }).promise).width).toBe(8);
  });

  it.each([
    ["not base64", { image: "not base64!", width: 8 }],
    ["over 96 KiB", { image: "A".repeat(131_076), width: 8 }],
    ["both image and url", { image: b64(png), url: "https://img.example.com/a.png", width: 8 }],
    ["neither image nor url", { width: 8 }],
    ["no width or height", { image: b64(png) }],
    ["width 1025", { image: b64(png), width: 1025 }],
    ["width 0", { image: b64(png), width: 0 }],
    ["a fractional height", { image: b64(png), height: 1.5 }],
    ["webp output", { image: b64(png), width: 8, format: "webp" }],
    ["an unknown fit", { image: b64(png), width: 8, fit: "stretch" }],
    ["an unknown key", { image: b64(png), width: 8, quality: 100 }],
  ])("the payload with %s is refused at submit and at run time", async (_, payload) => {
    expect(schema.safeParse(payload).success).toBe(false);
    expect(await failureOf(run(payload).promise)).toBeInstanceOf(PermanentError);
  });
});
