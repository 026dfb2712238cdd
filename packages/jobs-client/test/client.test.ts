import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  JobsApiError,
  JobsClient,
  NotFoundError,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
  ValidationError,
} from "../src/index.ts";
import { type FakeJobsApi, startFakeJobsApi } from "./fake-jobs-api.ts";

let api: FakeJobsApi;
let jobs: JobsClient;
beforeAll(async () => {
  api = await startFakeJobsApi();
  jobs = new JobsClient({ baseUrl: `${api.url}/`, token: api.token });
});
afterAll(() => api.close());

describe("JobsClient", () => {
  it("sends the token, JSON bodies and path under /jobs/v1, and reads 201 as created", async () => {
    const { job, created } = await jobs.submit("q_1", { name: "resize", payload: { w: 10 } });
    expect(created).toBe(true);
    expect(job).toMatchObject({ name: "resize", payload: { w: 10 }, state: "waiting" });
    expect(api.requests.at(-1)).toBe("POST /queues/q_1/jobs");
    expect((await jobs.getJob(job.id)).id).toBe(job.id);
  });

  it("turns problem+json answers into typed errors with the whole problem", async () => {
    const missing = await jobs.getJob("j_nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(JobsApiError);
    expect(missing).toMatchObject({
      name: "NotFoundError",
      status: 404,
      code: "not_found",
      message: "Job not found",
      problem: { type: "https://edgeworks.dev/problems/not-found", status: 404, detail: "Job not found" },
    });

    const { job } = await jobs.submit("q_1", { name: "x" });
    const conflict = await jobs.complete(job.id, "not-the-token", 1).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(api.jobs.get(job.id)?.state).toBe("waiting"); // refused: nothing changed

    const anonymous = new JobsClient({ baseUrl: api.url, token: "wrong" });
    await expect(anonymous.getJob(job.id)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("reads Retry-After of a 429 and takes a token from a function per request", async () => {
    let calls = 0;
    const refreshing = new JobsClient({
      baseUrl: api.url,
      token: async () => {
        calls++;
        return api.token;
      },
    });
    api.rateLimit("/lease", 1);
    const limited = await refreshing.lease("q_1", { max: 1, leaseSeconds: 5 }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfter).toBe(0);
    expect(await refreshing.lease("q_1", { max: 1, leaseSeconds: 5, names: ["none"] })).toEqual([]);
    expect(calls).toBe(2);
  });

  it("gives a synthetic problem for an error answer that is not problem+json", async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.url?.includes("metrics") ? 502 : 422, { "Content-Type": "text/plain" });
      res.end(req.url?.includes("metrics") ? "Bad gateway" : "nope");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    const plain = new JobsClient({ baseUrl: `http://127.0.0.1:${port}`, token: "t" });
    const bad = await plain.metrics().catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ServerError);
    expect(bad).toMatchObject({ status: 502, code: "unknown", message: "Bad gateway" });
    await expect(plain.createQueue({ name: "a" })).rejects.toBeInstanceOf(ValidationError);
    await new Promise((r) => server.close(r));
  });
});
