// The dashboard's SVG charts, drawn with DOM calls (no library, nothing inline, so the strict CSP holds):
// one value per minute over the last hour, as bars (counts) or a line (rates, latency). A minute without
// traffic is a gap in a line and an empty slot in bars.
import { el, niceMax } from "@edgeworks/ui/svg";

const WIDTH = 600;
const HEIGHT = 160;
const PAD = { left: 40, right: 8, top: 8, bottom: 18 };

/** One series: its CSS class (colour, dash) and one value per slot (null: no data). */
export interface Series {
  className: string;
  kind: "bars" | "line";
  values: (number | null)[];
}

/**
 * Redraws `svg` (keeping its <title>): grid, y labels, the series, and minute labels at both ends.
 *
 * @example drawChart(byId("latency-chart"), [{ className: "p95", kind: "line", values }], { start, format: (v) => `${v}` });
 */
export function drawChart(
  svg: SVGSVGElement,
  series: Series[],
  opts: { start: number; format: (v: number) => string; minTop?: number },
): void {
  for (const node of [...svg.children]) if (node.tagName !== "title") node.remove();
  const slots = Math.max(1, ...series.map((s) => s.values.length));
  const max = niceMax(Math.max(opts.minTop ?? 0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slotW = plotW / slots;
  const x = (i: number) => PAD.left + i * slotW;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const g = el("g", {});
  for (const frac of [0, 0.5, 1]) {
    g.append(el("line", { class: "grid", x1: PAD.left, x2: WIDTH - PAD.right, y1: y(max * frac), y2: y(max * frac) }));
    g.append(el("text", { class: "axis", x: PAD.left - 4, y: y(max * frac) + 3, "text-anchor": "end" }, opts.format(max * frac)));
  }
  const time = (i: number) => new Date(opts.start + i * 60_000).toTimeString().slice(0, 5);
  g.append(el("text", { class: "axis", x: PAD.left, y: HEIGHT - 4 }, time(0)));
  g.append(el("text", { class: "axis", x: WIDTH - PAD.right, y: HEIGHT - 4, "text-anchor": "end" }, time(slots - 1)));
  for (const s of series) {
    if (s.kind === "bars") {
      s.values.forEach((v, i) => {
        if (v === null || v <= 0) return;
        g.append(el("rect", { class: s.className, x: x(i) + 1, y: y(v), width: Math.max(1, slotW - 2), height: y(0) - y(v) }));
      });
      continue;
    }
    // a line, broken where a minute has no data
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${(x(i) + slotW / 2).toFixed(1)} ${y(v).toFixed(1)} `;
      pen = true;
    });
    if (d) g.append(el("path", { class: s.className, d: d.trim() }));
  }
  svg.append(g);
}
