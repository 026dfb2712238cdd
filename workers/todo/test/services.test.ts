import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Db, ServiceDeps } from "../src/deps";
import { listTodos } from "../src/list-todos.service";
import { createTodo, getTodoOrThrow, setCompleted } from "../src/todos.service";

let n = 0;
const depsFor = (db: Db = drizzle(env.DB), now = () => 1_700_000_000_000): ServiceDeps => ({ db, userId: `svc_${Date.now()}_${++n}`, now });

describe("services, called without HTTP", () => {
  it("the losing side of an idempotency-key race replays the winner's todo", async () => {
    const real = drizzle(env.DB);
    const deps = depsFor(real);
    let interleaved = false;
    // after the first request has read "no such key" and before it writes, a second request with
    // the same key runs to completion: the first must then fail on the key and replay the second
    const racing = Object.create(real) as Db;
    racing.batch = (async (queries: Parameters<Db["batch"]>[0]) => {
      const result = await real.batch(queries);
      if (!interleaved) {
        interleaved = true;
        winner = await createTodo(deps, { title: "Race" }, "race");
      }
      return result;
    }) as unknown as Db["batch"];
    let winner: Awaited<ReturnType<typeof createTodo>> | undefined;
    const loser = await createTodo({ ...deps, db: racing }, { title: "Race" }, "race");
    expect(winner?.replayed).toBe(false);
    expect(loser).toEqual({ todo: winner?.todo, replayed: true });
    const { results } = await env.DB.prepare("SELECT count(*) AS n FROM todos WHERE user_id = ?").bind(deps.userId).all();
    expect(results[0]).toEqual({ n: 1 });
  });

  it("uses the injected clock for every timestamp", async () => {
    let t = 1_800_000_000_000;
    const deps = depsFor(undefined, () => t);
    const { todo } = await createTodo(deps, { title: "Clock", dueAt: t - 1 });
    expect(todo.createdAt).toBe(new Date(t).toISOString());
    t += 60_000;
    const done = await setCompleted(deps, todo.id, true);
    expect(done.completedAt).toBe(new Date(t).toISOString());
    expect(done.updatedAt).toBe(new Date(t).toISOString());
    // overdue is relative to the clock: due one ms before creation, not completed → overdue
    await setCompleted(deps, todo.id, false);
    const overdue = await listTodos(deps, { overdue: true, sort: "createdAt", limit: 20, status: "all" });
    expect(overdue.items.map((x) => x.id)).toEqual([todo.id]);
    t = 0;
    expect((await listTodos(deps, { overdue: true, sort: "createdAt", limit: 20, status: "all" })).items).toEqual([]);
  });

  it("scopes reads to the user in deps", async () => {
    const a = depsFor();
    const b = depsFor();
    const { todo } = await createTodo(a, { title: "Mine" });
    await expect(getTodoOrThrow(b, todo.id)).rejects.toMatchObject({ code: "not_found", status: 404 });
    expect(await getTodoOrThrow(a, todo.id)).toEqual(todo);
  });
});
