import { errors, idempotency, jsonBody, jsonResponse, pageSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { TodoEnv } from "../product";
import {
  clearQuery,
  createHeaders,
  createTodoBody,
  deletedSchema,
  listTodosQuery,
  replaceTodoBody,
  todoIdParams,
  todoSchema,
  updatedSchema,
  updateTodoBody,
} from "../validation";

const base = { tags: ["Todos"], security: [{ bearerAuth: [] }] };
const todoPage = pageSchema(todoSchema).openapi("TodoPage");
const writeErrors = errors(400, 401, 403, 404, 413, 415, 422, 429);

export const listTodosRoute = createRoute({
  ...base,
  operationId: "listTodos",
  method: "get",
  path: "/todos",
  summary: "List todos",
  description: "Filtered, sorted and keyset-paginated. Each page is one query; `nextCursor` is bound to the sort and order.",
  request: { query: listTodosQuery },
  responses: { 200: jsonResponse(todoPage, "A page of todos"), ...errors(401, 403, 422) },
});

export const createTodoRoute = createRoute({
  ...base,
  operationId: "createTodo",
  method: "post",
  path: "/todos",
  summary: "Create a todo",
  description:
    "With `Idempotency-Key`, a retry within 24 h returns the first response (with `Idempotent-Replayed: true`); " +
    "the same key with a different body is 422.",
  // the key is checked and replays answered before the body is validated (a failed request frees its key)
  middleware: [idempotency<TodoEnv>({ database: (env) => env.DB })] as const,
  request: { headers: createHeaders, body: jsonBody(createTodoBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({
        Location: z.string().openapi({ example: "/todo/v1/todos/V1StGXR8_Z5jdHi6B-myT" }),
        "Idempotent-Replayed": z.string().optional().openapi({ description: "`true` on a replayed response" }),
      }),
      content: { "application/json": { schema: todoSchema } },
    },
    // 409: a retry whose first request with the same Idempotency-Key is still running
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const clearCompletedRoute = createRoute({
  ...base,
  operationId: "clearCompletedTodos",
  method: "delete",
  path: "/todos",
  summary: "Delete all completed todos",
  description: "`status=completed` is required, so that nobody deletes everything by accident.",
  request: { query: clearQuery },
  responses: { 200: jsonResponse(deletedSchema, "How many were deleted"), ...errors(401, 403, 422, 429) },
});

export const completeAllRoute = createRoute({
  ...base,
  operationId: "completeAllTodos",
  method: "post",
  path: "/todos/complete-all",
  summary: "Complete every open todo",
  responses: { 200: jsonResponse(updatedSchema, "How many were completed"), ...errors(401, 403, 429) },
});

export const getTodoRoute = createRoute({
  ...base,
  operationId: "getTodo",
  method: "get",
  path: "/todos/{id}",
  summary: "Get a todo",
  description: "Sends an `ETag`; `If-None-Match` with it answers 304.",
  request: { params: todoIdParams },
  responses: { 200: jsonResponse(todoSchema, "The todo"), ...errors(401, 403, 404, 422) },
});

export const updateTodoRoute = createRoute({
  ...base,
  operationId: "updateTodo",
  method: "patch",
  path: "/todos/{id}",
  summary: "Update some fields of a todo",
  description: "Only the given fields change; `null` clears `description` or `dueAt`; `{}` is a no-op returning the todo.",
  request: { params: todoIdParams, body: jsonBody(updateTodoBody) },
  responses: { 200: jsonResponse(todoSchema, "The updated todo"), ...writeErrors },
});

export const replaceTodoRoute = createRoute({
  ...base,
  operationId: "replaceTodo",
  method: "put",
  path: "/todos/{id}",
  summary: "Replace a todo",
  description: "`title` is required; omitted fields are reset to their defaults (position: after the last todo).",
  request: { params: todoIdParams, body: jsonBody(replaceTodoBody) },
  responses: { 200: jsonResponse(todoSchema, "The replaced todo"), ...writeErrors },
});

export const deleteTodoRoute = createRoute({
  ...base,
  operationId: "deleteTodo",
  method: "delete",
  path: "/todos/{id}",
  summary: "Delete a todo",
  request: { params: todoIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

const completionRoute = (action: "complete" | "incomplete", operationId: string, summary: string) =>
  createRoute({
    ...base,
    operationId,
    method: "post",
    path: `/todos/{id}/${action}`,
    summary,
    request: { params: todoIdParams },
    responses: { 200: jsonResponse(todoSchema, "The todo"), ...errors(401, 403, 404, 422, 429) },
  });

export const completeTodoRoute = completionRoute("complete", "completeTodo", "Mark a todo complete (keeps an earlier completedAt)");
export const incompleteTodoRoute = completionRoute("incomplete", "reopenTodo", "Mark a todo not complete (clears completedAt)");
