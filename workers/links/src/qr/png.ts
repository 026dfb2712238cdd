/** A minimal PNG encoder for 1-bit grayscale images (a QR code), with zlib from CompressionStream. */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309) over the chunk type and data, as PNG requires. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** zlib (RFC 1950) stream of `data`: what PNG's IDAT holds. */
async function zlib(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export const PNG_SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

/**
 * Encodes a `width` × `height` 1-bit grayscale PNG; `isDark(x, y)` gives each pixel (dark = 0).
 *
 * @example const png = await encodeMonochromePng(256, 256, (x, y) => matrix[y][x]);
 */
export async function encodeMonochromePng(width: number, height: number, isDark: (x: number, y: number) => boolean): Promise<Uint8Array> {
  const stride = Math.ceil(width / 8) + 1; // filter byte + packed bits
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride; // raw[row] = 0: filter type None
    for (let x = 0; x < width; x++) {
      if (!isDark(x, y)) raw[row + 1 + (x >> 3)] = (raw[row + 1 + (x >> 3)] as number) | (0x80 >> (x & 7));
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, colour type 0 (grayscale), deflate, adaptive filters, no interlace
  const parts = [PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", await zlib(raw)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
