// The live throughput chart: completed and failed jobs per second over the last minute, drawn as SVG
// from the `counts` frames of the queue's live socket (at most one a second). No library, nothing inline.
import { el, niceMax } from "@edgeworks/ui/svg";

const WIDTH = 600;
const HEIGHT = 160;
const PAD = { left: 36, right: 8, top: 8, bottom: 18 };
/** Seconds shown. */
export const WINDOW_SECONDS = 60;

interface Sample {
  completed: number;
  failed: number;
}

/** Samples by the second they were taken in; seconds without a frame count as zero. */
export class ThroughputChart {
  private readonly samples = new Map<number, Sample>();
  /** Samples received (the e2e test watches it grow). */
  received = 0;

  private readonly plot: SVGGElement;

  constructor(private readonly svg: SVGSVGElement) {
    const plot = svg.querySelector("g");
    if (!plot) throw new Error("the chart needs a <g> to draw in");
    this.plot = plot;
  }

  /** A `counts` frame's rates at its time. */
  add(at: string, completed: number, failed: number): void {
    const second = Math.floor(Date.parse(at) / 1000);
    if (!Number.isFinite(second)) return;
    this.samples.set(second, { completed, failed });
    this.received++;
    for (const key of this.samples.keys()) if (key < second - WINDOW_SECONDS * 2) this.samples.delete(key);
  }

  clear(): void {
    this.samples.clear();
    this.received = 0;
  }

  /** Redraws the last minute up to `now` (ms). */
  render(now = Date.now()): void {
    const end = Math.floor(now / 1000);
    const seconds = Array.from({ length: WINDOW_SECONDS }, (_, i) => end - WINDOW_SECONDS + 1 + i);
    const values = seconds.map((s) => this.samples.get(s) ?? { completed: 0, failed: 0 });
    const top = niceMax(Math.max(...values.map((v) => Math.max(v.completed, v.failed))));
    const w = WIDTH - PAD.left - PAD.right;
    const h = HEIGHT - PAD.top - PAD.bottom;
    const x = (i: number) => (PAD.left + (i * w) / (WINDOW_SECONDS - 1)).toFixed(1);
    const y = (v: number) => (PAD.top + h - (v / top) * h).toFixed(1);
    const line = (pick: (s: Sample) => number) => values.map((v, i) => `${x(i)},${y(pick(v))}`).join(" ");

    const nodes: SVGElement[] = [];
    for (const v of [0, top / 2, top]) {
      nodes.push(el("line", { class: "grid", x1: String(PAD.left), x2: String(WIDTH - PAD.right), y1: y(v), y2: y(v) }));
      nodes.push(
        el("text", { class: "axis", x: String(PAD.left - 4), y: y(v), "text-anchor": "end", "dominant-baseline": "middle" }, fmt(v)),
      );
    }
    nodes.push(el("text", { class: "axis", x: String(PAD.left), y: String(HEIGHT - 4) }, `-${WINDOW_SECONDS}s`));
    nodes.push(el("text", { class: "axis", x: String(WIDTH - PAD.right), y: String(HEIGHT - 4), "text-anchor": "end" }, "now"));
    nodes.push(el("polyline", { class: "completed", points: line((s) => s.completed) }));
    nodes.push(el("polyline", { class: "failed", points: line((s) => s.failed) }));
    this.plot.replaceChildren(...nodes);
    const total = values.reduce((sum, v) => sum + v.completed + v.failed, 0);
    this.svg.dataset.max = String(top);
    this.svg.dataset.total = String(total);
  }
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
