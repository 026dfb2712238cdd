// Helpers for the dashboards' SVG charts, drawn with DOM calls (no library, nothing inline, so the strict CSP holds).

const SVG = "http://www.w3.org/2000/svg";

/**
 * An SVG element with these attributes and optional text.
 *
 * @example svg.append(el("line", { class: "grid", x1: 0, x2: 600, y1: y, y2: y }));
 */
export function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A y-axis top that is a round number (1, 2, 5, 10, 20, 50, …) at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}
