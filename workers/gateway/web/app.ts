// The gateway dashboard: log in, pick (or create) a workspace, and watch the one named by the URL hash
// (#ws=<slug>): the last hour's totals, requests/errors per minute, error rate and p95 latency as SVG
// charts (GET …/analytics?groupBy=minute), and every target's health and breaker state (GET …/status).
// Refreshed every 15 s while the tab is visible.

import { onSubmit } from "@edgeworks/ui/dom";
import { onSignIn } from "@edgeworks/ui/session";
import {
  type Analytics,
  api,
  currentUser,
  logIn,
  logOut,
  register,
  type Stats,
  type Status,
  type User,
  type Workspace,
  whenLoggedOut,
  workspacePath,
} from "./api";
import { drawChart } from "./chart";
import { announce, byId, errorText, notify, renderHealth, renderTotals } from "./view";

const MINUTES = 60;
const REFRESH_MS = 15_000;

let workspaces: Workspace[] = [];
let timer: ReturnType<typeof setInterval> | undefined;

const openSlug = () => new URLSearchParams(location.hash.slice(1)).get("ws");

function showLoggedIn(user: User | null): void {
  byId("login-view").hidden = !!user;
  byId("dashboard-view").hidden = !user;
  byId("logout").hidden = !user;
  byId("whoami").textContent = user ? (user.name ? `${user.name} <${user.email}>` : user.email) : "";
}

function renderWorkspaces(): void {
  const current = openSlug();
  byId("workspaces").replaceChildren(
    ...workspaces.map((w) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#ws=${encodeURIComponent(w.slug)}`;
      link.textContent = `${w.name} (${w.role})`;
      if (w.slug === current) link.setAttribute("aria-current", "page");
      li.append(link);
      return li;
    }),
  );
  byId("workspaces-empty").hidden = workspaces.length > 0;
}

async function loadWorkspaces(): Promise<void> {
  workspaces = (await api<{ items: Workspace[] }>("/gateway/v1/workspaces?limit=100")).items;
  renderWorkspaces();
}

/** One value per minute of the hour (null where a minute had no traffic). */
function perMinute(rows: Analytics["rows"], start: number, pick: (r: Stats) => number | null): (number | null)[] {
  const byMinute = new Map(rows.map((r) => [Date.parse(r.key ?? ""), r]));
  return Array.from({ length: MINUTES }, (_, i) => {
    const row = byMinute.get(start + i * 60_000);
    return row ? pick(row) : null;
  });
}

async function refresh(): Promise<void> {
  const slug = openSlug();
  if (!slug) return;
  const now = Date.now();
  const start = Math.floor(now / 60_000) * 60_000 - (MINUTES - 1) * 60_000;
  const range = `from=${new Date(start).toISOString()}&to=${new Date(now + 1).toISOString()}`;
  const [analytics, status] = await Promise.all([
    api<Analytics>(`${workspacePath(slug)}/analytics?groupBy=minute&${range}`),
    api<Status>(`${workspacePath(slug)}/status`),
  ]);
  if (slug !== openSlug()) return;
  renderTotals(byId("totals"), analytics.totals);
  const count = (r: Stats) => r.count;
  drawChart(
    byId("requests-chart") as unknown as SVGSVGElement,
    [
      { className: "requests", kind: "bars", values: perMinute(analytics.rows, start, count) },
      { className: "errors", kind: "bars", values: perMinute(analytics.rows, start, (r) => r.errors) },
    ],
    { start, format: (v) => String(Math.round(v)) },
  );
  drawChart(
    byId("error-rate-chart") as unknown as SVGSVGElement,
    [{ className: "rate", kind: "line", values: perMinute(analytics.rows, start, (r) => r.errorRate * 100) }],
    { start, format: (v) => `${Math.round(v)}`, minTop: 1 },
  );
  drawChart(
    byId("latency-chart") as unknown as SVGSVGElement,
    [{ className: "p95", kind: "line", values: perMinute(analytics.rows, start, (r) => r.p95) }],
    { start, format: (v) => String(Math.round(v)) },
  );
  renderHealth(byId("health-rows"), status);
  byId("updated").textContent = `updated ${new Date(now).toLocaleTimeString()}`;
}

function refreshQuietly(): void {
  refresh().catch((err) => notify(`Could not load the workspace: ${errorText(err)}`));
}

function showWorkspace(): void {
  renderWorkspaces();
  const ws = workspaces.find((w) => w.slug === openSlug());
  byId("workspace-empty").hidden = !!ws;
  byId("workspace-panel").hidden = !ws;
  if (!ws) return;
  byId("workspace-title").textContent = ws.name;
  refreshQuietly();
}

async function enter(): Promise<void> {
  showLoggedIn(currentUser());
  if (!currentUser()) return;
  try {
    await loadWorkspaces();
  } catch (err) {
    notify(`Could not load workspaces: ${errorText(err)}`);
  }
  showWorkspace();
  clearInterval(timer);
  timer = setInterval(() => {
    if (currentUser() && document.visibilityState === "visible") refreshQuietly();
  }, REFRESH_MS);
}

function leave(): void {
  clearInterval(timer);
  workspaces = [];
  showLoggedIn(null);
}

onSignIn({ logIn, register }, { enter, focus: "workspaces-title" });

onSubmit("create-workspace-form", async (field, form) => {
  try {
    const ws = await api<Workspace>("/gateway/v1/workspaces", { method: "POST", json: { slug: field("slug"), name: field("name") } });
    form.reset();
    notify(null);
    workspaces = [...workspaces, ws];
    announce(`Workspace ${ws.name} created`);
    location.hash = `ws=${encodeURIComponent(ws.slug)}`;
  } catch (err) {
    notify(errorText(err));
  }
});

byId("refresh").addEventListener("click", refreshQuietly);
byId("logout").addEventListener("click", async () => {
  await logOut();
  leave();
});
whenLoggedOut(leave);
addEventListener("hashchange", showWorkspace);

void enter();
