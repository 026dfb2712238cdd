import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

// A small in-process stand-in for the worker side of /jobs/v1: submit, get, cancel, lease, heartbeat,
// progress, log, complete, fail, with leases that lapse (stalled → waiting) and problem+json errors shaped
// as @edgeworks/http shapes them. It keeps what the tests look at (every request, the jobs' state); the real
// scheduler is exercised by workers/jobs/e2e.

export interface FakeJob {
  id: string;
  name: string;
  payload: unknown;
  state: "waiting" | "active" | "completed" | "failed" | "dead" | "cancelled";
  attempts: { made: number; max: number };
  timeout: number;
  token: string | null;
  leaseUntil: number;
  worker: string | null;
  stalledCount: number;
  cancelRequested: boolean;
  progress: { percent: number; message: string | null } | null;
  logs: string[];
  result: unknown;
  error: { message: string; stack: string | null } | null;
  failures: { message: string; stack: string | null; retry: boolean }[];
}

export interface FakeJobsApi {
  url: string;
  token: string;
  jobs: Map<string, FakeJob>;
  /** Every request, as `METHOD /path`. */
  requests: string[];
  /** The next `n` requests whose path ends with `suffix` answer 429 with `Retry-After: 0`. */
  rateLimit(suffix: string, n: number): void;
  /** Gives the job's lease to someone else (as a lapse and a re-lease would). */
  stealLease(id: string): void;
  close(): Promise<void>;
}

const BUILT_IN = /^(http\.request|email\.send|image\.thumbnail|test\.sleep|test\.fail)$/;

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

export async function startFakeJobsApi(): Promise<FakeJobsApi> {
  const token = `tok_${randomUUID()}`;
  const jobs = new Map<string, FakeJob>();
  const requests: string[] = [];
  const limits: { suffix: string; n: number }[] = [];

  const sweep = () => {
    for (const job of jobs.values()) {
      if (job.state === "active" && job.leaseUntil < Date.now()) {
        job.state = "waiting";
        job.token = null;
        job.stalledCount++;
      }
    }
  };
  const leased = (id: string, body: { token?: string }) => {
    const job = jobs.get(id);
    if (!job) throw new Problem(404, "not_found", "Job not found");
    if (job.state !== "active" || job.token !== body.token) throw new Problem(409, "conflict", "The lease token is not the job's");
    return job;
  };

  const routes: [string, RegExp, (m: string[], body: Record<string, unknown>) => [number, unknown]][] = [
    [
      "POST",
      /^\/queues\/([^/]+)\/jobs$/,
      (_, b) => {
        const id = `j_${randomUUID().slice(0, 12)}`;
        const job: FakeJob = {
          id,
          name: String(b.name),
          payload: b.payload ?? null,
          state: "waiting",
          attempts: { made: 0, max: Number(b.attempts ?? 1) },
          timeout: Number(b.timeout ?? 60_000),
          token: null,
          leaseUntil: 0,
          worker: null,
          stalledCount: 0,
          cancelRequested: false,
          progress: null,
          logs: [],
          result: null,
          error: null,
          failures: [],
        };
        jobs.set(id, job);
        return [201, job];
      },
    ],
    [
      "GET",
      /^\/jobs\/([^/]+)$/,
      ([id]) => {
        const job = jobs.get(id!);
        if (!job) throw new Problem(404, "not_found", "Job not found");
        return [200, job];
      },
    ],
    [
      "POST",
      /^\/jobs\/([^/]+)\/cancel$/,
      ([id]) => {
        const job = jobs.get(id!);
        if (!job) throw new Problem(404, "not_found", "Job not found");
        if (job.state === "active") job.cancelRequested = true;
        else if (job.state === "waiting") job.state = "cancelled";
        return [200, job];
      },
    ],
    [
      "POST",
      /^\/queues\/([^/]+)\/lease$/,
      (_, b) => {
        const names = b.names as string[] | undefined;
        const ready = [...jobs.values()].filter((j) => j.state === "waiting" && (names ? names.includes(j.name) : !BUILT_IN.test(j.name)));
        const out = ready.slice(0, Number(b.max)).map((job) => {
          job.state = "active";
          job.token = randomUUID();
          job.leaseUntil = Date.now() + Number(b.leaseSeconds) * 1000;
          job.worker = String(b.worker);
          job.attempts.made++;
          const { id, name, payload, timeout } = job;
          return {
            id,
            name,
            payload,
            timeout,
            attempt: job.attempts.made,
            token: job.token,
            leaseUntil: new Date(job.leaseUntil).toISOString(),
          };
        });
        return [200, { jobs: out }];
      },
    ],
    [
      "POST",
      /^\/jobs\/([^/]+)\/heartbeat$/,
      ([id], b) => {
        const job = leased(id!, b);
        job.leaseUntil = Date.now() + Number(b.leaseSeconds ?? 30) * 1000;
        return [200, { leaseUntil: new Date(job.leaseUntil).toISOString(), cancelRequested: job.cancelRequested }];
      },
    ],
    [
      "POST",
      /^\/jobs\/([^/]+)\/progress$/,
      ([id], b) => {
        const job = leased(id!, b);
        job.progress = { percent: Number(b.percent), message: (b.message as string | undefined) ?? null };
        return [200, { cancelRequested: job.cancelRequested }];
      },
    ],
    [
      "POST",
      /^\/jobs\/([^/]+)\/log$/,
      ([id], b) => {
        leased(id!, b).logs.push(...(b.lines as string[]));
        return [204, null];
      },
    ],
    [
      "POST",
      /^\/jobs\/([^/]+)\/complete$/,
      ([id], b) => {
        const job = leased(id!, b);
        Object.assign(job, { state: "completed", token: null, result: b.result });
        return [200, job];
      },
    ],
    [
      "POST",
      /^\/jobs\/([^/]+)\/fail$/,
      ([id], b) => {
        const job = leased(id!, b);
        const error = { message: String(b.message), stack: (b.stack as string | undefined) ?? null };
        job.failures.push({ ...error, retry: b.retry !== false });
        const retry = b.retry !== false && job.attempts.made < job.attempts.max;
        Object.assign(job, { token: null, error, state: job.cancelRequested ? "cancelled" : retry ? "waiting" : "dead" });
        return [200, job];
      },
    ],
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        ...headers,
        ...(body === null ? {} : { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" }),
      });
      res.end(body === null ? undefined : JSON.stringify(body));
    };
    const problem = (p: Problem, headers?: Record<string, string>) =>
      send(
        p.status,
        {
          type: `https://edgeworks.dev/problems/${p.code.replaceAll("_", "-")}`,
          title: p.code,
          status: p.status,
          detail: p.message,
          code: p.code,
        },
        headers,
      );
    const path = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/jobs\/v1/, "");
    requests.push(`${req.method} ${path}`);
    let raw = "";
    for await (const chunk of req) raw += chunk;
    if (req.headers.authorization !== `Bearer ${token}`) return problem(new Problem(401, "unauthorized", "Missing or invalid credentials"));
    const limit = limits.find((l) => l.n > 0 && path.endsWith(l.suffix));
    if (limit) {
      limit.n--;
      return problem(new Problem(429, "rate_limited", "Too many writes"), { "Retry-After": "0" });
    }
    sweep();
    for (const [method, pattern, run] of routes) {
      const m = pattern.exec(path);
      if (!m || method !== req.method) continue;
      try {
        const [status, body] = run(m.slice(1), raw ? JSON.parse(raw) : {});
        return send(status, body);
      } catch (error) {
        if (error instanceof Problem) return problem(error);
        throw error;
      }
    }
    problem(new Problem(404, "not_found", `No route for ${req.method} ${path}`));
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    jobs,
    requests,
    rateLimit: (suffix, n) => void limits.push({ suffix, n }),
    stealLease: (id) => {
      const job = jobs.get(id);
      if (job) job.token = randomUUID();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
