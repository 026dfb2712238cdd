import { encodeCursor } from "@edgeworks/http";
import { beforeAll, describe, expect, it, test } from "vitest";
import { call, createTodo, expectProblem, listAll, newUser, type Page, type Todo } from "./helpers";

const PRIORITY_RANK = { low: 0, medium: 1, high: 2, urgent: 3 } as const;
type Sort = "createdAt" | "dueAt" | "priority" | "position";

const sortValue = (t: Todo, sort: Sort): number | null =>
  sort === "priority"
    ? PRIORITY_RANK[t.priority]
    : sort === "position"
      ? t.position
      : t[sort] === null
        ? null
        : Date.parse(t[sort] as string);

/** The order the API promises: by the sort value (dueAt: nulls last either way), ties by id. */
function expectedOrder(todos: Todo[], sort: Sort, order: "asc" | "desc"): string[] {
  const sign = order === "asc" ? 1 : -1;
  return [...todos]
    .sort((a, b) => {
      const va = sortValue(a, sort);
      const vb = sortValue(b, sort);
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1;
      } else if (va !== vb) return (va - vb) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    })
    .map((t) => t.id);
}

async function pageThrough(token: string, query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q = new URLSearchParams(query);
    q.set("limit", String(limit));
    if (cursor) q.set("cursor", cursor);
    const res = await call("GET", `/todos?${q}`, token);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((t) => t.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, pages };
}

describe("GET /todos pagination", () => {
  let token = "";
  let todos: Todo[] = [];
  beforeAll(async () => {
    ({ token } = await newUser());
    // duplicates in every sort column, and nulls in dueAt, so that ties and nulls cross page edges
    for (let i = 0; i < 23; i++) {
      todos.push(
        await createTodo(token, {
          title: `Todo ${i}`,
          dueAt: i % 3 === 0 ? null : `2030-01-0${1 + (i % 4)}T00:00:00Z`,
          priority: (["low", "medium", "high", "urgent"] as const)[i % 4],
          position: i % 5,
        }),
      );
    }
    todos = await listAll(token); // the stored state, including identical createdAt values
  });

  test.each([
    ["createdAt", "asc"],
    ["createdAt", "desc"],
    ["dueAt", "asc"],
    ["dueAt", "desc"],
    ["priority", "asc"],
    ["priority", "desc"],
    ["position", "asc"],
    ["position", "desc"],
  ] as const)("sort=%s&order=%s returns every todo exactly once, in order", async (sort, order) => {
    for (const limit of [1, 4, 7, 100]) {
      const { ids, pages } = await pageThrough(token, `sort=${sort}&order=${order}`, limit);
      expect(ids).toEqual(expectedOrder(todos, sort, order));
      expect(pages).toBe(Math.max(1, Math.ceil(todos.length / limit)));
    }
  });

  test.each([
    ["createdAt", "desc"],
    ["dueAt", "asc"],
    ["priority", "desc"],
    ["position", "asc"],
  ] as const)("the default order for sort=%s is %s", async (sort, order) => {
    const { ids } = await pageThrough(token, `sort=${sort}`, 5);
    expect(ids).toEqual(expectedOrder(todos, sort, order));
  });

  it("defaults to createdAt desc and 20 items", async () => {
    const res = await call("GET", "/todos", token);
    const page = (await res.json()) as Page;
    expect(page.items.map((t) => t.id)).toEqual(expectedOrder(todos, "createdAt", "desc").slice(0, 20));
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it("the last page has nextCursor null", async () => {
    const page = (await (await call("GET", "/todos?limit=100", token)).json()) as Page;
    expect(page.items).toHaveLength(todos.length);
    expect(page.nextCursor).toBeNull();
  });

  it("todos created while paging do not shift later pages", async () => {
    const { token: t2 } = await newUser();
    for (let i = 0; i < 6; i++) await createTodo(t2, { title: `p${i}` });
    const first = (await (await call("GET", "/todos?limit=3", t2)).json()) as Page;
    await createTodo(t2, { title: "new" });
    const second = (await (await call("GET", `/todos?limit=3&cursor=${first.nextCursor}`, t2)).json()) as Page;
    const seen = [...first.items, ...second.items].map((t) => t.title);
    expect(new Set(seen).size).toBe(6);
    expect(seen).not.toContain("new");
  });

  test.each([
    ["garbage", "not-a-cursor!"],
    ["a cursor for another sort", encodeCursor("todos:dueAt:asc", [1, "x"])],
    ["a cursor for another order", encodeCursor("todos:createdAt:asc", [1, "x"])],
    ["a cursor with a string value", encodeCursor("todos:createdAt:desc", ["1", "x"])],
    ["a cursor with a null createdAt", encodeCursor("todos:createdAt:desc", [null, "x"])],
    ["a cursor with a numeric id", encodeCursor("todos:createdAt:desc", [1, 2])],
    ["a cursor with too many values", encodeCursor("todos:createdAt:desc", [1, "x", 3])],
  ])("refuses %s with 422", async (_label, cursor) => {
    await expectProblem(await call("GET", `/todos?cursor=${encodeURIComponent(cursor)}`, token), 422, "validation_failed", ["cursor"]);
  });
});
