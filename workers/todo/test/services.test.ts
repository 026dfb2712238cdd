import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Db, ServiceDeps } from "../src/deps";
import { listTodos } from "../src/list-todos.service";
import { createTodo, getTodoOrThrow, setCompleted } from "../src/todos.service";

let n = 0;
const depsFor = (db: Db = drizzle(env.DB), now = () => 1_700_000_000_000): ServiceDeps => ({ db, userId: `svc_${Date.now()}_${++n}`, now });

describe("services, called without HTTP", () => {
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
