import { describe, expect, it } from "vitest";
import { BUILTIN_HANDLERS, HandlerCrash, isBuiltin, isHandlerCrash, PermanentError } from "../../src/handlers/registry";
import { makeContext } from "./context";

const run = (name: string, payload: unknown, attempt = 1, signal?: AbortSignal) => {
  const { ctx, progress } = makeContext({ attempt, name, signal });
  return { promise: BUILTIN_HANDLERS[name]!.handler(payload, ctx), progress };
};

describe("the registry", () => {
  it("has the five built-in names, each with a payload schema", () => {
    expect(Object.keys(BUILTIN_HANDLERS).sort()).toEqual(["email.send", "http.request", "image.thumbnail", "test.fail", "test.sleep"]);
    expect(isBuiltin("test.sleep")).toBe(true);
    expect(isBuiltin("send-invoice")).toBe(false);
    expect(isBuiltin("toString")).toBe(false);
  });
});

describe("test.sleep", () => {
  it("sleeps and reports progress `steps` times", async () => {
    const { promise, progress } = run("test.sleep", { ms: 20, steps: 4 });
    await expect(promise).resolves.toEqual({ slept: 20 });
    expect(progress).toEqual([25, 50, 75, 100].map((percent, i) => ({ percent, message: `step ${i + 1}/4` })));
  });

  it("reports no progress without steps; ms 0 returns at once", async () => {
    const { promise, progress } = run("test.sleep", { ms: 0 });
    await expect(promise).resolves.toEqual({ slept: 0 });
    expect(progress).toEqual([]);
  });

  it("stops when the signal aborts, with the signal's reason", async () => {
    const controller = new AbortController();
    const { promise, progress } = run("test.sleep", { ms: 600_000, steps: 2 }, 1, controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(promise).rejects.toThrow("cancelled");
    expect(progress).toEqual([]);
  });

  it.each([
    [{ ms: -1 }],
    [{ ms: 600_001 }],
    [{ ms: 1.5 }],
    [{ ms: "10" }],
    [{ ms: 10, steps: 0 }],
    [{ ms: 10, steps: 101 }],
    [{ ms: 10, extra: 1 }],
    [null],
    [[]],
  ])("refuses the payload %j at submit and at run time (PermanentError)", async (payload) => {
    expect(BUILTIN_HANDLERS["test.sleep"]!.payload.safeParse(payload).success).toBe(false);
    await expect(run("test.sleep", payload).promise).rejects.toBeInstanceOf(PermanentError);
  });
});

describe("test.fail", () => {
  it("fails every attempt with a retryable error by default", async () => {
    const error = await run("test.fail", {}, 3).promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe("test.fail failed on purpose");
  });

  it("accepts no payload at all", async () => {
    await expect(run("test.fail", undefined).promise).rejects.toThrow("test.fail failed on purpose");
  });

  it("throws a PermanentError with the message when permanent", async () => {
    const error = await run("test.fail", { message: "bad input", permanent: true }).promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe("bad input");
  });

  it("fails the first failTimes attempts, then succeeds", async () => {
    await expect(run("test.fail", { failTimes: 2 }, 1).promise).rejects.toThrow();
    await expect(run("test.fail", { failTimes: 2 }, 2).promise).rejects.toThrow();
    await expect(run("test.fail", { failTimes: 2 }, 3).promise).resolves.toEqual({ attempt: 3 });
    await expect(run("test.fail", { failTimes: 0 }, 1).promise).resolves.toEqual({ attempt: 1 });
  });

  it("crash throws a HandlerCrash on every attempt; crashTimes only on the first n", async () => {
    const crash = await run("test.fail", { crash: true }, 5).promise.catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(HandlerCrash);
    expect(isHandlerCrash(crash)).toBe(true);
    expect(isHandlerCrash(new Error("x"))).toBe(false);
    await expect(run("test.fail", { crashTimes: 1 }, 1).promise).rejects.toBeInstanceOf(HandlerCrash);
    await expect(run("test.fail", { crashTimes: 1 }, 2).promise).resolves.toEqual({ attempt: 2 });
  });

  it.each([[{ permanent: "yes" }], [{ failTimes: -1 }], [{ message: "x".repeat(1001) }], [{ crash: 1 }], [{ other: true }], ["boom"]])(
    "refuses the payload %j",
    async (payload) => {
      expect(BUILTIN_HANDLERS["test.fail"]!.payload.safeParse(payload).success).toBe(false);
      await expect(run("test.fail", payload).promise).rejects.toBeInstanceOf(PermanentError);
    },
  );
});
