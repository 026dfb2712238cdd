import { encode } from "uqr";
import { encodeMonochromePng } from "./png";

export const QR_FORMATS = ["svg", "png"] as const;
export type QrFormat = (typeof QR_FORMATS)[number];
export const QR_MIN_SIZE = 64;
export const QR_MAX_SIZE = 1024;
export const QR_DEFAULT_SIZE = 256;
/** The quiet zone the QR specification asks for, in modules. */
const QUIET_ZONE = 4;

/** The module matrix of `text` (error correction M, quiet zone included): `true` is dark. */
export function qrMatrix(text: string): boolean[][] {
  return encode(text, { ecc: "M", border: QUIET_ZONE }).data;
}

/**
 * The QR code as SVG, `size` × `size` pixels: one path of unit squares on a white background, with
 * crisp edges at any scale.
 */
export function qrSvg(text: string, size: number): string {
  const m = qrMatrix(text);
  const n = m.length;
  let d = "";
  m.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
}

/**
 * The QR code as a 1-bit PNG of `size` × `size` pixels: whole pixels per module, centred; if `size`
 * is smaller than the code, one pixel per module (the image is then a little larger than asked).
 */
export async function qrPng(text: string, size: number): Promise<Uint8Array> {
  const m = qrMatrix(text);
  const n = m.length;
  const scale = Math.max(1, Math.floor(size / n));
  const side = Math.max(size, n);
  const offset = Math.floor((side - n * scale) / 2);
  return encodeMonochromePng(side, side, (x, y) => {
    const mx = Math.floor((x - offset) / scale);
    const my = Math.floor((y - offset) / scale);
    return mx >= 0 && my >= 0 && mx < n && my < n && (m[my]?.[mx] ?? false);
  });
}
