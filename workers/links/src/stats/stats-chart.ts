import { escapeHtml } from "../redirect/pages";
import type { LinkStats } from "./stats.service";

const W = 800;
const H = 320;
const M = { top: 48, right: 24, bottom: 56, left: 56 };
const HUMAN = "#2563eb";
const BOT = "#cbd5e1";

/** A y-axis step of 1, 2 or 5 × 10^n so that four steps cover `n` and every tick is a whole number. */
function niceStep(n: number): number {
  const raw = Math.max(1, n / 4);
  const p = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((k) => k * p >= raw) as number) * p;
}

const label = (iso: string, interval: LinkStats["interval"]) =>
  interval === "hour" ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);

/**
 * The click time series as a standalone SVG bar chart: human clicks stacked under bot clicks, y axis
 * with four ticks, x axis labelled at its ends and middle (UTC), a title and a legend. Every piece of
 * text is escaped; the SVG has no scripts or external references.
 *
 * @example c.body(renderStatsChart(stats, "/spring-sale"), 200, { "Content-Type": "image/svg+xml" })
 */
export function renderStatsChart(stats: LinkStats, title: string): string {
  const points = stats.timeseries;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const step = niceStep(Math.max(0, ...points.map((p) => p.clicks)));
  const yMax = step * 4;
  const slot = plotW / Math.max(1, points.length);
  const barW = Math.max(1, slot * 0.8);
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];

  for (let i = 0; i <= 4; i++) {
    const v = step * i;
    parts.push(
      `<line x1="${M.left}" y1="${y(v).toFixed(1)}" x2="${W - M.right}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`,
    );
  }
  points.forEach((p, i) => {
    if (p.clicks === 0) return;
    const x = (M.left + i * slot + (slot - barW) / 2).toFixed(1);
    const hTop = y(p.humans);
    parts.push(
      `<rect x="${x}" y="${hTop.toFixed(1)}" width="${barW.toFixed(1)}" height="${(M.top + plotH - hTop).toFixed(1)}" fill="${HUMAN}"><title>${escapeHtml(`${p.time}: ${p.humans} human, ${p.bots} bot`)}</title></rect>`,
    );
    if (p.bots > 0) {
      const bTop = y(p.clicks);
      parts.push(`<rect x="${x}" y="${bTop.toFixed(1)}" width="${barW.toFixed(1)}" height="${(hTop - bTop).toFixed(1)}" fill="${BOT}"/>`);
    }
  });
  const ticks = points.length > 2 ? [0, Math.floor((points.length - 1) / 2), points.length - 1] : points.map((_, i) => i);
  for (const i of ticks) {
    const p = points[i];
    if (!p) continue;
    const x = M.left + i * slot + slot / 2;
    parts.push(
      `<text x="${x.toFixed(1)}" y="${H - M.bottom + 18}" text-anchor="middle">${escapeHtml(label(p.time, stats.interval))}</text>`,
    );
  }
  const heading = `Clicks on ${title}: ${stats.clicks} (${stats.humans} human, ${stats.bots} bot)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="t" font-family="system-ui, sans-serif" font-size="12" fill="#374151">
<title id="t">${escapeHtml(heading)}</title>
<rect width="${W}" height="${H}" fill="#ffffff"/>
<text x="${M.left}" y="24" font-size="16" font-weight="600">${escapeHtml(heading)}</text>
${parts.join("\n")}
<line x1="${M.left}" y1="${M.top + plotH}" x2="${W - M.right}" y2="${M.top + plotH}" stroke="#6b7280"/>
<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}" stroke="#6b7280"/>
<text x="${M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">Time (UTC, per ${stats.interval})</text>
<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">Clicks</text>
<rect x="${W - M.right - 150}" y="14" width="10" height="10" fill="${HUMAN}"/><text x="${W - M.right - 134}" y="23">humans</text>
<rect x="${W - M.right - 80}" y="14" width="10" height="10" fill="${BOT}"/><text x="${W - M.right - 64}" y="23">bots</text>
</svg>`;
}
