// The jobs dashboard: log in, list and create queues, and watch the queue named by the URL hash
// (#queue=<id>): its counts per state and throughput live from its socket, its failing jobs with their
// errors, and the buttons to retry a job, redrive the dead letter queue and pause or resume the queue.

import { onSubmit } from "@edgeworks/ui/dom";
import { onSignIn } from "@edgeworks/ui/session";
import type { CountsFrame, StateName } from "../src/web/live-frames";
import { api, currentUser, logIn, logOut, register, type User, whenLoggedOut } from "./api";
import { ThroughputChart } from "./chart";
import { type ConnectionStatus, type LiveFrame, openLive } from "./live-socket";
import { announce, byId, errorText, h, notify, renderCounts } from "./view";

/** A queue as the list and the panel use it (the API sends more). */
interface Queue {
  id: string;
  name: string;
  paused?: boolean;
  settings?: { paused?: boolean };
  counts?: CountsFrame["counts"];
}

/** A failed or dead job as the list shows it (the API's Job has more). */
interface FailingJob {
  id: string;
  name: string;
  state: StateName;
  attempts: { made: number; max: number };
  error: { message: string } | null;
}

const STATUS_TEXT: Record<ConnectionStatus, string> = { connecting: "connecting…", online: "live", offline: "offline", closed: "closed" };
/** Failures come in bursts (a redrive, a batch of retries): one reload of the list per burst. */
const FAILING_RELOAD_MS = 400;

let queues: Queue[] = [];
let stopLive: (() => void) | null = null;
let failingReload: ReturnType<typeof setTimeout> | undefined;
const chart = new ThroughputChart(byId("chart") as unknown as SVGSVGElement);

const openQueueId = () => new URLSearchParams(location.hash.slice(1)).get("queue");
const openQueue = () => queues.find((q) => q.id === openQueueId());
const isPaused = (q: Queue) => q.paused ?? q.settings?.paused ?? false;
const queuePath = (id: string) => `/jobs/v1/queues/${encodeURIComponent(id)}`;

function showLoggedIn(user: User | null): void {
  byId("login-view").hidden = !!user;
  byId("dashboard-view").hidden = !user;
  byId("logout").hidden = !user;
  byId("whoami").textContent = user ? (user.name ? `${user.name} <${user.email}>` : user.email) : "";
}

function renderQueues(): void {
  const current = openQueueId();
  byId("queues").replaceChildren(
    ...queues.map((q) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#queue=${encodeURIComponent(q.id)}`;
      link.textContent = q.name;
      if (q.id === current) link.setAttribute("aria-current", "page");
      li.append(link);
      return li;
    }),
  );
}

function renderQueueHead(q: Queue): void {
  byId("queue-title").textContent = q.name;
  const state = byId("queue-state");
  state.dataset.status = isPaused(q) ? "warning" : "ok";
  state.textContent = isPaused(q) ? "paused" : "running";
  byId("pause").textContent = isPaused(q) ? "Resume" : "Pause";
}

async function loadQueues(): Promise<void> {
  const body = await api<{ items: Queue[] }>("/jobs/v1/queues?limit=100");
  queues = body.items;
  renderQueues();
}

/** Replaces the open queue's copy with what the API answered (a PATCH, a GET) and redraws its head. */
function updateQueue(next: Queue): void {
  queues = queues.map((q) => (q.id === next.id ? { ...q, ...next } : q));
  if (next.id === openQueueId()) {
    renderQueueHead(next);
    if (next.counts) renderCounts(byId("counts"), next.counts);
  }
}

function jobItem(job: FailingJob): HTMLLIElement {
  const li = document.createElement("li");
  li.dataset.id = job.id;
  li.dataset.state = job.state;
  li.append(h("span", "name", job.name), h("span", "ui-muted", `${job.state} · attempt ${job.attempts.made}/${job.attempts.max}`));
  const retry = h("button", "", job.state === "dead" ? "Redrive" : "Retry now");
  retry.type = "button";
  retry.setAttribute("aria-label", `${retry.textContent} ${job.name} (${job.id})`);
  retry.addEventListener(
    "click",
    () => void act(() => api(`/jobs/v1/jobs/${encodeURIComponent(job.id)}/retry`, { method: "POST" }), `${job.name} queued again`),
  );
  li.append(retry, h("span", "error", job.error?.message ?? "(no error recorded)"));
  return li;
}

async function loadFailing(): Promise<void> {
  const id = openQueueId();
  if (!id) return;
  const list = (state: string) => api<{ items: FailingJob[] }>(`${queuePath(id)}/jobs?state=${state}&limit=20`);
  const [failed, dead] = await Promise.all([list("failed"), list("dead")]);
  if (id !== openQueueId()) return;
  const jobs = [...dead.items, ...failed.items];
  byId("failing").replaceChildren(...jobs.map(jobItem));
  byId("failing-empty").hidden = jobs.length > 0;
  byId<HTMLButtonElement>("redrive").disabled = dead.items.length === 0;
}

function reloadFailingSoon(): void {
  clearTimeout(failingReload);
  failingReload = setTimeout(
    () => loadFailing().catch((err) => notify(`Could not load failing jobs: ${errorText(err)}`)),
    FAILING_RELOAD_MS,
  );
}

function onFrame(frame: LiveFrame): void {
  if (frame.type === "counts") {
    renderCounts(byId("counts"), frame.counts);
    chart.add(frame.at, frame.completedPerSecond, frame.failedPerSecond);
    chart.render();
    byId("rate-completed").textContent = String(frame.completedPerSecond);
    byId("rate-failed").textContent = String(frame.failedPerSecond);
    return;
  }
  if (frame.type === "job" && ["failed", "dead"].some((s) => s === frame.to || s === frame.from)) reloadFailingSoon();
}

function showQueue(): void {
  stopLive?.();
  stopLive = null;
  renderQueues();
  const q = openQueue();
  byId("queue-empty").hidden = !!q;
  byId("queue-panel").hidden = !q;
  if (!q) return;
  renderQueueHead(q);
  renderCounts(byId("counts"), q.counts);
  chart.clear();
  chart.render();
  const status = byId("connection");
  stopLive = openLive(q.id, onFrame, (s, detail) => {
    status.dataset.status = s;
    status.textContent = detail && s === "closed" ? `${STATUS_TEXT[s]}: ${detail}` : STATUS_TEXT[s];
  });
  loadFailing().catch((err) => notify(`Could not load failing jobs: ${errorText(err)}`));
}

/** Runs an action of a button, says what it did, and reloads what it changed. */
async function act(run: () => Promise<unknown>, done: string): Promise<void> {
  try {
    await run();
    notify(null);
    announce(done);
    const id = openQueueId();
    if (id) updateQueue(await api<Queue>(queuePath(id)));
    await loadFailing();
  } catch (err) {
    notify(errorText(err));
  }
}

async function enter(): Promise<void> {
  showLoggedIn(currentUser());
  if (!currentUser()) return;
  try {
    await loadQueues();
  } catch (err) {
    notify(`Could not load queues: ${errorText(err)}`);
  }
  showQueue();
}

onSignIn({ logIn, register }, { enter, focus: "queues-title" });

onSubmit("create-queue-form", async (field, form) => {
  try {
    const q = await api<Queue>("/jobs/v1/queues", { method: "POST", json: { name: field("name") } });
    form.reset();
    notify(null);
    queues = [...queues, q];
    location.hash = `queue=${encodeURIComponent(q.id)}`;
  } catch (err) {
    notify(errorText(err));
  }
});

byId("pause").addEventListener("click", () => {
  const q = openQueue();
  if (!q) return;
  const paused = !isPaused(q);
  void act(
    async () => updateQueue(await api<Queue>(queuePath(q.id), { method: "PATCH", json: { paused } })),
    paused ? "Queue paused" : "Queue resumed",
  );
});

byId("redrive").addEventListener("click", () => {
  const id = openQueueId();
  if (!id) return;
  void act(async () => {
    const { redriven } = await api<{ redriven: number }>(`${queuePath(id)}/dlq/redrive`, { method: "POST", json: { all: true } });
    announce(`${redriven} dead jobs redriven`);
  }, "Dead jobs redriven");
});

byId("refresh-failing").addEventListener("click", () => void loadFailing().catch((err) => notify(errorText(err))));

byId("logout").addEventListener("click", async () => {
  stopLive?.();
  stopLive = null;
  await logOut();
  queues = [];
  showLoggedIn(null);
});

whenLoggedOut(() => {
  stopLive?.();
  stopLive = null;
  showLoggedIn(null);
});

addEventListener("hashchange", showQueue);
// the chart slides even when no frame comes (an idle queue sends none)
setInterval(() => {
  if (stopLive) chart.render();
}, 1000);

void enter();
