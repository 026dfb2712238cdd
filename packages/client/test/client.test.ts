import { describe, expect, expectTypeOf, it } from "vitest";
import { createChatClient, createProductClient, createTodoClient, problemText, type TodoApi } from "../src/index";

/** A fetch that records what it was asked and answers with `answer`. */
function recorder(answer: (req: Request) => Response = () => Response.json({ items: [], nextCursor: null })) {
  const seen: Request[] = [];
  const fetch = async (req: Request) => {
    seen.push(req.clone());
    return answer(req);
  };
  return { seen, fetch };
}

describe("product clients (openapi-fetch inside workerd)", () => {
  it("builds the URL from the base, the prefixed path and the query, and sends the bearer token", async () => {
    const { seen, fetch } = recorder();
    const todo = createTodoClient("http://front.door/", { token: "t0k3n", fetch });
    const { data, error, response } = await todo.GET("/todo/v1/todos", { params: { query: { limit: 10, status: "active" } } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toEqual({ items: [], nextCursor: null });
    expectTypeOf(data!.items).toEqualTypeOf<TodoApi.components["schemas"]["Todo"][]>();
    expect(seen[0]!.url).toBe("http://front.door/todo/v1/todos?limit=10&status=active");
    expect(seen[0]!.headers.get("Authorization")).toBe("Bearer t0k3n");
  });

  it("calls an operation by its operationId, typed like the path call (todo.listTodos, chat.addMember)", async () => {
    const { seen, fetch } = recorder(() => Response.json({ items: [], nextCursor: null }));
    const todo = createTodoClient("http://front.door", { token: "t0k3n", fetch });
    const { data, response } = await todo.listTodos({ params: { query: { limit: 10 } } });
    expect(response.status).toBe(200);
    expectTypeOf(data!.items).toEqualTypeOf<TodoApi.components["schemas"]["Todo"][]>();
    expect(seen[0]!.url).toBe("http://front.door/todo/v1/todos?limit=10");
    expect(seen[0]!.headers.get("Authorization")).toBe("Bearer t0k3n");
    await todo.deleteTodo({ params: { path: { id: "a/b" } } });
    expect([seen[1]!.method, seen[1]!.url]).toEqual(["DELETE", "http://front.door/todo/v1/todos/a%2Fb"]);
    const chat = createChatClient("http://front.door", { fetch });
    await chat.addMember({ params: { path: { id: "r1" } }, body: { email: "x@example.com" } });
    expect([seen[2]!.method, seen[2]!.url]).toEqual(["POST", "http://front.door/chat/v1/rooms/r1/members"]);
    // @ts-expect-error: the path parameter is required, as on chat.POST("/chat/v1/rooms/{id}/members")
    expect(() => chat.addMember({ body: { email: "x@example.com" } })).toBeDefined();
  });

  it("has one method per operation of each committed document, and no more", async () => {
    const { todoOperations, chatOperations, jobsOperations } = await import("../src/index");
    const docOps = (doc: { paths: Record<string, Record<string, { operationId?: string }>> }) =>
      Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    for (const [table, doc] of [
      [todoOperations, await import("../openapi/todo.json")],
      [chatOperations, await import("../openapi/chat.json")],
      [jobsOperations, await import("../openapi/jobs.json")],
    ] as const) {
      const ids = docOps(doc as never);
      expect(ids.every((id) => typeof id === "string")).toBe(true);
      expect(Object.keys(table).sort()).toEqual([...ids].sort());
    }
  });

  it("sends a JSON body and encodes path parameters", async () => {
    const { seen, fetch } = recorder(() => Response.json({ id: "r1" }, { status: 201 }));
    const chat = createChatClient("http://front.door", { fetch });
    await chat.POST("/chat/v1/rooms/{id}/members", { params: { path: { id: "a/b c" } }, body: { email: "x@example.com" } });
    const req = seen[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("http://front.door/chat/v1/rooms/a%2Fb%20c/members");
    expect(req.headers.get("Content-Type")).toBe("application/json");
    expect(req.headers.has("Authorization")).toBe(false); // no token option: anonymous
    expect(await req.json()).toEqual({ email: "x@example.com" });
  });

  it("asks a token function before every request and keeps an Authorization the call sets itself", async () => {
    const { seen, fetch } = recorder();
    let token = "first";
    const todo = createTodoClient("http://front.door", { token: () => token, fetch });
    await todo.GET("/todo/v1/todos");
    token = "refreshed";
    await todo.GET("/todo/v1/todos");
    await todo.GET("/todo/v1/todos", { headers: { Authorization: "Bearer someone-else" } });
    expect(seen.map((r) => r.headers.get("Authorization"))).toEqual(["Bearer first", "Bearer refreshed", "Bearer someone-else"]);
  });

  it("returns a problem+json failure as `error`, and problemText reads its detail", async () => {
    const problem = { type: "about:blank", title: "Unprocessable Content", status: 422, detail: "title: Required" };
    const { fetch } = recorder(() => Response.json(problem, { status: 422, headers: { "Content-Type": "application/problem+json" } }));
    const todo = createProductClient<TodoApi.paths>("http://front.door", { token: "t", fetch });
    const { data, error, response } = await todo.POST("/todo/v1/todos", { body: { title: "" } });
    expect(data).toBeUndefined();
    expect(error).toEqual(problem);
    expect(problemText(error, response)).toBe("title: Required");
    expect(problemText(undefined, new Response(null, { status: 503, statusText: "Service Unavailable" }))).toBe("503 Service Unavailable");
  });
});
