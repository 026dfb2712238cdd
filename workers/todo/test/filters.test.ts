import { beforeAll, describe, expect, test } from "vitest";
import { call, createTodo, expectProblem, listAll, newUser, type Todo } from "./helpers";

describe("GET /todos filters", () => {
  let token = "";
  const t: Record<string, Todo> = {};
  const past = "2001-01-01T00:00:00Z";
  const future = "2999-01-01T00:00:00Z";
  beforeAll(async () => {
    ({ token } = await newUser());
    t.overdue = await createTodo(token, { title: "Pay rent", dueAt: past, tags: ["Home"], priority: "urgent" });
    t.doneLate = await createTodo(token, { title: "Old task", dueAt: past, tags: ["work"] });
    t.future = await createTodo(token, {
      title: "Plan trip",
      description: "Book 100% refundable hotel",
      dueAt: future,
      tags: ["travel", "home"],
    });
    t.noDue = await createTodo(token, { title: "Learn SQL_injection defence", description: "a\\b path", priority: "low" });
    t.mid = await createTodo(token, { title: "mid", dueAt: "2500-06-01T00:00:00Z", priority: "high", tags: ["WORK"] });
    await call("POST", `/todos/${t.doneLate?.id}/complete`, token);
  });

  const ids = async (query: string) => (await listAll(token, query)).map((x) => x.title).sort();
  const titles = (...keys: string[]) => keys.map((k) => t[k]?.title).sort();

  test.each([
    ["status=all", ["overdue", "doneLate", "future", "noDue", "mid"]],
    ["status=active", ["overdue", "future", "noDue", "mid"]],
    ["status=completed", ["doneLate"]],
    ["tag=home", ["overdue", "future"]],
    ["tag=HOME", ["overdue", "future"]],
    ["tag=work", ["doneLate", "mid"]],
    ["tag=nothing", []],
    ["priority=urgent", ["overdue"]],
    ["priority=medium", ["doneLate", "future"]],
    ["q=PAY", ["overdue"]],
    ["q=refundable", ["future"]],
    ["q=t", ["overdue", "doneLate", "future", "noDue"]],
    ["q=100%25", ["future"]],
    ["q=%25", ["future"]],
    ["q=_", ["noDue"]],
    ["q=Lear_", []],
    ["q=a%5Cb", ["noDue"]],
    ["q=%27%3B%20DROP%20TABLE%20todos%3B%20--", []],
    [`dueBefore=2100-01-01T00:00:00Z`, ["overdue", "doneLate"]],
    [`dueAfter=2100-01-01T00:00:00Z`, ["future", "mid"]],
    [`dueAfter=2001-01-01T00:00:00Z&dueBefore=2600-01-01T00:00:00Z`, ["overdue", "doneLate", "mid"]],
    ["overdue=true", ["overdue"]],
    ["overdue=false", ["doneLate", "future", "noDue", "mid"]],
    ["status=active&tag=work", ["mid"]],
    ["tag=home&sort=dueAt&order=desc", ["overdue", "future"]],
  ])("%s", async (query, expected) => {
    expect(await ids(query)).toEqual(titles(...expected));
  });

  test.each([
    ["status=done", "status"],
    ["priority=critical", "priority"],
    ["sort=title", "sort"],
    ["order=up", "order"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["limit=2.5", "limit"],
    ["dueBefore=yesterday", "dueBefore"],
    ["dueAfter=2030-01-01", "dueAfter"],
    ["overdue=yes", "overdue"],
    [`tag=${"x".repeat(51)}`, "tag"],
    [`q=${"x".repeat(201)}`, "q"],
    ["q=", "q"],
    ["status=active&status=completed", "status"],
  ])("refuses %s with 422", async (query, path) => {
    await expectProblem(await call("GET", `/todos?${query}`, token), 422, "validation_failed", [path]);
  });
});
