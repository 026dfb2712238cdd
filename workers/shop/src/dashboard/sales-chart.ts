import { escapeHtml } from "@edgeworks/mail";
import type { SalesReport, SalesSeries } from "./dashboard.service";

const W = 800;
const H = 360;
const M = { top: 64, right: 24, bottom: 64, left: 88 };
const NET = "#2563eb";
const REFUNDED = "#f59e0b";

/** Digits after the decimal point of a currency (2 for USD, 0 for JPY); 2 when Intl does not know it. */
function exponentOf(currency: string): number {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Minor units as a currency amount, e.g. 123456 USD → "$1,234.56"; with `whole`, whole amounts lose their
 * cents (axis ticks: "$2,000").
 */
export function formatMoney(minor: number, currency: string, whole = false): string {
  const exp = exponentOf(currency);
  const digits = whole && minor % 10 ** exp === 0 ? 0 : exp;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** exp);
}

/** A y-axis step of 1, 2 or 5 × 10^n (minor units) so that four steps cover `n`. */
function niceStep(n: number): number {
  const raw = Math.max(1, n / 4);
  const p = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((k) => k * p >= raw) ?? 10) * p;
}

/** Indexes of the x-axis labels: at most eight, evenly spread, the first and the last included, none crowding the last. */
function labelIndexes(n: number): number[] {
  if (n <= 8) return [...Array(n).keys()];
  const every = Math.ceil((n - 1) / 7);
  const out: number[] = [];
  for (let i = 0; i <= n - 1 - every; i += every) out.push(i);
  out.push(n - 1);
  return out;
}

/**
 * A sales series as a standalone, accessible SVG bar chart: per bucket the net amount, with what was refunded
 * stacked on top (together: gross), a y axis in the currency with five ticks, UTC dates on the x axis, a
 * `<title>` and a `<desc>` with the totals (referenced by `aria-labelledby`/`aria-describedby`), and a
 * legend. No scripts, no external references, every text escaped.
 *
 * @example c.body(renderSalesChart(report, report.series[0]), 200, { "Content-Type": "image/svg+xml" })
 */
export function renderSalesChart(report: SalesReport, series: SalesSeries): string {
  const { currency, buckets, totals } = series;
  const money = (minor: number) => formatMoney(minor, currency);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const step = niceStep(Math.max(0, ...buckets.map((b) => b.gross)));
  const yMax = step * 4;
  const slot = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, slot * 0.8);
  const base = M.top + plotH;
  const y = (v: number) => base - (v / yMax) * plotH;
  const parts: string[] = [];

  for (let i = 0; i <= 4; i++) {
    const v = step * i;
    const ty = y(v).toFixed(1);
    parts.push(
      `<line x1="${M.left}" y1="${ty}" x2="${W - M.right}" y2="${ty}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(formatMoney(v, currency, true))}</text>`,
    );
  }
  buckets.forEach((b, i) => {
    if (b.gross <= 0) return;
    const x = (M.left + i * slot + (slot - barW) / 2).toFixed(1);
    const net = Math.max(0, b.net);
    const netTop = y(net);
    const tip = `${b.start.slice(0, 10)}: ${b.orders} orders, ${money(b.gross)} gross, ${money(b.refunded)} refunded, ${money(b.net)} net`;
    parts.push(
      `<g><title>${escapeHtml(tip)}</title>` +
        `<rect x="${x}" y="${netTop.toFixed(1)}" width="${barW.toFixed(1)}" height="${(base - netTop).toFixed(1)}" fill="${NET}"/>` +
        (b.refunded > 0
          ? `<rect x="${x}" y="${y(b.gross).toFixed(1)}" width="${barW.toFixed(1)}" height="${(netTop - y(b.gross)).toFixed(1)}" fill="${REFUNDED}"/>`
          : "") +
        "</g>",
    );
  });
  for (const i of labelIndexes(buckets.length)) {
    const b = buckets[i];
    if (!b) continue;
    const x = (M.left + i * slot + slot / 2).toFixed(1);
    parts.push(`<text x="${x}" y="${base + 18}" text-anchor="middle">${escapeHtml(b.start.slice(0, 10))}</text>`);
  }

  // `to` is exclusive: the heading names the last day the chart covers
  const lastDay = new Date(Date.parse(report.to) - 1).toISOString().slice(0, 10);
  const heading = `Sales in ${currency} per ${report.interval}, ${report.from.slice(0, 10)} to ${lastDay} (UTC)`;
  const summary =
    totals.orders === 0
      ? `No paid orders in ${currency} in this range.`
      : `${totals.orders} paid orders: ${money(totals.gross)} gross, ${money(totals.refunded)} refunded, ${money(totals.net)} net. ` +
        `Bars show the net amount per ${report.interval}, with the refunded part stacked on top.`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" aria-describedby="chart-desc" font-family="system-ui, sans-serif" font-size="12" fill="#374151">
<title id="chart-title">${escapeHtml(heading)}</title>
<desc id="chart-desc">${escapeHtml(summary)}</desc>
<rect width="${W}" height="${H}" fill="#ffffff"/>
<text x="${M.left}" y="24" font-size="16" font-weight="600">${escapeHtml(heading)}</text>
<text x="${M.left}" y="44">${escapeHtml(summary.split(". ")[0] ?? summary)}</text>
${parts.join("\n")}
<line x1="${M.left}" y1="${base}" x2="${W - M.right}" y2="${base}" stroke="#6b7280"/>
<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${base}" stroke="#6b7280"/>
<text x="${M.left + plotW / 2}" y="${H - 16}" text-anchor="middle">${escapeHtml(`Paid date (UTC, per ${report.interval})`)}</text>
<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(`Amount (${currency})`)}</text>
<rect x="${W - M.right - 130}" y="35" width="10" height="10" fill="${NET}"/><text x="${W - M.right - 114}" y="44">net</text>
<rect x="${W - M.right - 78}" y="35" width="10" height="10" fill="${REFUNDED}"/><text x="${W - M.right - 62}" y="44">refunded</text>
</svg>`;
}
