// DOM helpers. User data only ever goes through textContent / attributes, never innerHTML.
import { announce, byId, errorText, h, notify } from "@edgeworks/ui/dom";
import type { Stats, Status } from "./api";

/** The page's DOM helpers are @edgeworks/ui's (byId, h, notify, announce, errorText). */
export { announce, byId, errorText, h, notify };

const ms = (v: number | null) => (v === null ? "–" : `${v} ms`);

/** The last hour's totals as tiles. */
export function renderTotals(list: HTMLElement, t: Stats): void {
  const tiles: [string, string][] = [
    ["requests", String(t.count)],
    ["errors (5xx)", String(t.errors)],
    ["error rate", `${(t.errorRate * 100).toFixed(2)} %`],
    ["p50", ms(t.p50)],
    ["p95", ms(t.p95)],
    ["p99", ms(t.p99)],
  ];
  list.replaceChildren(
    ...tiles.map(([label, value]) => {
      const tile = document.createElement("div");
      tile.append(h("dt", "", label), h("dd", "", value));
      return tile;
    }),
  );
}

/** One table row per target: health and breaker as a status dot and a word (never colour alone). */
export function renderHealth(body: HTMLElement, status: Status): void {
  const rows: HTMLTableRowElement[] = [];
  for (const service of status.services) {
    for (const t of service.targets) {
      const tr = document.createElement("tr");
      const health = h("span", "ui-status", service.available ? (t.healthy ? "healthy" : "unhealthy") : "unknown");
      health.dataset.status = !service.available ? "warning" : t.healthy ? "ok" : "error";
      const breaker = h("span", "ui-status", t.breaker);
      breaker.dataset.status = t.breaker === "closed" ? "ok" : t.breaker === "open" ? "error" : "warning";
      const probe = t.lastProbe
        ? `${t.lastProbe.ok ? "ok" : (t.lastProbe.error ?? "failed")} at ${new Date(t.lastProbe.at).toLocaleTimeString()}`
        : "–";
      const cells: (string | HTMLElement)[] = [
        service.name,
        t.url ?? `binding ${t.binding ?? ""}`,
        health,
        breaker,
        `${t.window.requests} / ${t.window.errors} / ${t.window.slow}`,
        probe,
      ];
      for (const cell of cells) {
        const td = document.createElement("td");
        td.append(cell);
        tr.append(td);
      }
      rows.push(tr);
    }
  }
  body.replaceChildren(...rows);
  byId("health-empty").hidden = rows.length > 0;
}
