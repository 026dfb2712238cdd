import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { devOnly, invalidField, onError } from "../src";

describe("invalidField", () => {
  it("is the validation hook's 422 with one field entry, in the body unless told", () => {
    const err = invalidField("expiresAt", "Must be in the future");
    expect(err.status).toBe(422);
    expect(err.toProblem()).toMatchObject({
      code: "validation_failed",
      detail: "The request has invalid fields",
      errors: [{ path: "expiresAt", location: "body", message: "Must be in the future" }],
    });
    expect(invalidField("from", "Must be before `to`", "query").errors).toEqual([
      { path: "from", location: "query", message: "Must be before `to`" },
    ]);
  });
});

describe("devOnly", () => {
  const app = new Hono<{ Bindings: { DEV_MODE?: string } }>();
  app.use("/dev/*", devOnly());
  app.get("/dev/outbox", (c) => c.json({ items: [] }));
  app.onError(onError);

  it("answers like an unknown route unless DEV_MODE is true", async () => {
    for (const DEV_MODE of [undefined, "false", "TRUE"]) {
      const res = await app.request("/dev/outbox?x=1", {}, { DEV_MODE });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: "not_found", detail: "No route for GET /dev/outbox" });
    }
  });

  it("lets the request through in development", async () => {
    const res = await app.request("/dev/outbox", {}, { DEV_MODE: "true" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [] });
  });
});
