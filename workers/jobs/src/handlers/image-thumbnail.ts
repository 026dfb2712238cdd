import { crop, PhotonImage, resize, SamplingFilter } from "@cf-wasm/photon";
import { safeFetch } from "@edgeworks/egress";
import type { z } from "zod";
import { type JobHandler, PermanentError, parsePayload } from "./context";
import { egressDns, jobErrorOf } from "./egress";
import { imageHeader } from "./image-header";
import { imageThumbnailPayload, MAX_IMAGE_BYTES } from "./image-thumbnail.payload";

/** Canvas limits checked on the header before decoding: 4 bytes a pixel, so at most 32 MiB of pixels. */
export const MAX_SOURCE_SIDE = 8192;
export const MAX_SOURCE_PIXELS = 8_000_000;
/** Thumbnails up to this size come back inline as base64 (`data`); bigger ones only in R2. */
export const MAX_INLINE_BYTES = 72 * 1024;
const JPEG_QUALITY = 82;
const URL_TIMEOUT_MS = 10_000;

type Payload = z.output<typeof imageThumbnailPayload>;

function fromBase64(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    throw new PermanentError("The image is not valid base64");
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function sourceBytes(p: Payload, ctx: Parameters<JobHandler>[1]): Promise<Uint8Array> {
  if (p.image !== undefined) return fromBase64(p.image);
  const response = await safeFetch(
    p.url as string,
    { method: "GET", headers: { accept: "image/png, image/jpeg" } },
    { dns: egressDns(ctx.env), timeoutMs: URL_TIMEOUT_MS, signal: ctx.signal, maxBytes: MAX_IMAGE_BYTES },
  ).catch((error: unknown) => {
    throw jobErrorOf(error, ctx.signal);
  });
  if (response.status >= 500 || response.status === 408 || response.status === 429)
    throw new Error(`GET ${p.url} answered ${response.status}`);
  if (response.status !== 200) throw new PermanentError(`GET ${p.url} answered ${response.status}`);
  return response.body;
}

/** The output size: `contain` never enlarges; a missing side follows the source's aspect ratio. */
function targetSize(p: Payload, w: number, h: number): { width: number; height: number; scaled: { width: number; height: number } } {
  const boxW = p.width ?? Math.max(1, Math.round((w * (p.height as number)) / h));
  const boxH = p.height ?? Math.max(1, Math.round((h * (p.width as number)) / w));
  if (p.fit === "fill") return { width: boxW, height: boxH, scaled: { width: boxW, height: boxH } };
  if (p.fit === "cover") {
    const scale = Math.max(boxW / w, boxH / h);
    const scaled = { width: Math.max(boxW, Math.round(w * scale)), height: Math.max(boxH, Math.round(h * scale)) };
    return { width: boxW, height: boxH, scaled };
  }
  const scale = Math.min(1, boxW / w, boxH / h);
  const size = { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
  return { ...size, scaled: size };
}

/** Decodes, resizes (Lanczos3) and encodes; every Wasm image is freed, also on failure. */
function thumbnail(bytes: Uint8Array, p: Payload): { data: Uint8Array; width: number; height: number } {
  const images: PhotonImage[] = [];
  try {
    let image: PhotonImage;
    try {
      image = PhotonImage.new_from_byteslice(bytes);
    } catch {
      throw new PermanentError("The image could not be decoded (corrupt or unsupported PNG/JPEG)");
    }
    images.push(image);
    const size = targetSize(p, image.get_width(), image.get_height());
    let out = resize(image, size.scaled.width, size.scaled.height, SamplingFilter.Lanczos3);
    images.push(out);
    if (size.scaled.width !== size.width || size.scaled.height !== size.height) {
      const x = Math.floor((size.scaled.width - size.width) / 2);
      const y = Math.floor((size.scaled.height - size.height) / 2);
      out = crop(out, x, y, x + size.width, y + size.height);
      images.push(out);
    }
    const data = p.format === "jpeg" ? out.get_bytes_jpeg(JPEG_QUALITY) : out.get_bytes();
    return { data, width: out.get_width(), height: out.get_height() };
  } finally {
    for (const image of images) image.free();
  }
}

/**
 * Makes a PNG or JPEG thumbnail (photon, Wasm) of a base64 image or an image URL (fetched with the
 * SSRF-safe fetch, at most 96 KiB), stores it in R2 at `thumbnails/<jobId>.<ext>` and returns
 * `{key, width, height, contentType, bytes, data}` (`data`: base64, only up to 72 KiB). Anything that
 * is not a plausible PNG/JPEG, or declares more than 8192 px a side or 8 megapixels, is a
 * PermanentError before decoding.
 */
export const imageThumbnail: JobHandler = async (payload, ctx) => {
  const p = parsePayload(imageThumbnailPayload, payload);
  const bytes = await sourceBytes(p, ctx);
  if (bytes.byteLength > MAX_IMAGE_BYTES) throw new PermanentError(`The image is over ${MAX_IMAGE_BYTES} bytes`);
  const header = imageHeader(bytes);
  if (!header) throw new PermanentError("Not a PNG or JPEG image");
  const { width: w, height: h } = header;
  if (w < 1 || h < 1 || w > MAX_SOURCE_SIDE || h > MAX_SOURCE_SIDE || w * h > MAX_SOURCE_PIXELS)
    throw new PermanentError(`The image is ${w}×${h}: at most ${MAX_SOURCE_SIDE} px a side and ${MAX_SOURCE_PIXELS} pixels`);
  ctx.log(`${header.format} ${w}×${h}, ${bytes.byteLength} bytes`);
  const out = thumbnail(bytes, p);
  const contentType = p.format === "jpeg" ? "image/jpeg" : "image/png";
  const key = `thumbnails/${ctx.job.id}.${p.format === "jpeg" ? "jpg" : "png"}`;
  await ctx.env.FILES.put(key, out.data, { httpMetadata: { contentType } });
  ctx.log(`wrote ${key}: ${out.width}×${out.height}, ${out.data.byteLength} bytes`);
  const inline = out.data.byteLength <= MAX_INLINE_BYTES ? { data: toBase64(out.data) } : {};
  return { key, width: out.width, height: out.height, contentType, bytes: out.data.byteLength, ...inline };
};
