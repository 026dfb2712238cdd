import { describe, expect, it } from "vitest";
import { api, call, createQueue, listAllJobs, newUser } from "../helpers";

// Built-in payloads are refused at submit (POST /jobs/v1/queues/{q}/jobs) with the handler's own schema:
// a 422 naming the payload field, and nothing submitted.

describe("hostile built-in payloads are 422 at submit", () => {
  it.each([
    ["http.request to loopback", { name: "http.request", payload: { url: "http://127.0.0.1:8787/" } }, "payload.url"],
    ["http.request to the metadata address", { name: "http.request", payload: { url: "http://169.254.169.254/latest/" } }, "payload.url"],
    ["http.request to a private network", { name: "http.request", payload: { url: "http://10.0.0.1/" } }, "payload.url"],
    ["http.request to IPv6 loopback", { name: "http.request", payload: { url: "http://[::1]/" } }, "payload.url"],
    ["http.request to hex loopback", { name: "http.request", payload: { url: "http://0x7f000001/" } }, "payload.url"],
    ["http.request to a file URL", { name: "http.request", payload: { url: "file:///etc/passwd" } }, "payload.url"],
    ["http.request to an odd port", { name: "http.request", payload: { url: "https://example.com:25/" } }, "payload.url"],
    ["http.request with credentials", { name: "http.request", payload: { url: "https://a:b@example.com/" } }, "payload.url"],
    [
      "a header with CRLF",
      { name: "http.request", payload: { url: "https://example.com/", headers: { "X-A": "1\r\nHost: evil" } } },
      "payload.headers.X-A",
    ],
    [
      "a Host header",
      { name: "http.request", payload: { url: "https://example.com/", headers: { Host: "internal" } } },
      "payload.headers.Host",
    ],
    ["a TRACE", { name: "http.request", payload: { url: "https://example.com/", method: "TRACE" } }, "payload.method"],
    ["a 60 s timeout", { name: "http.request", payload: { url: "https://example.com/", timeoutMs: 60_000 } }, "payload.timeoutMs"],
    ["a GET with a body", { name: "http.request", payload: { url: "https://example.com/", method: "GET", body: {} } }, "payload.body"],
    [
      "an email subject with CRLF",
      { name: "email.send", payload: { to: "a@example.com", subject: "x\r\nBcc: b@example.com", text: "t" } },
      "payload.subject",
    ],
    [
      "an email to two addresses",
      { name: "email.send", payload: { to: "a@example.com,b@example.com", subject: "s", text: "t" } },
      "payload.to",
    ],
    ["a thumbnail of a private URL", { name: "image.thumbnail", payload: { url: "http://192.168.1.1/a.png", width: 10 } }, "payload.url"],
    ["a 2048 px thumbnail", { name: "image.thumbnail", payload: { image: "iVBORw0KGgo=", width: 2048 } }, "payload.width"],
    ["a thumbnail that is not base64", { name: "image.thumbnail", payload: { image: "<svg/>", width: 10 } }, "payload.image"],
  ])("%s", async (_, body, path) => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    await api.problem(call("POST", `/queues/${queue.id}/jobs`, token, body), 422, "validation_failed", [path]);
    expect(await listAllJobs(token, queue.id)).toEqual([]);
  });

  it("a valid http.request is accepted (201) with the payload as given", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    const payload = { url: "https://hooks.example.com/in", body: { a: 1 } };
    const job = await api.ok<{ name: string; payload: unknown; state: string }>(
      call("POST", `/queues/${queue.id}/jobs`, token, { name: "http.request", payload }),
      201,
    );
    expect(job).toMatchObject({ name: "http.request", state: "waiting" });
    expect(job.payload).toMatchObject(payload);
  });
});
