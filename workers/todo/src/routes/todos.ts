import { createRouter } from "@edgeworks/http";
import { listTodos } from "../list-todos.service";
import { depsOf, type TodoEnv } from "../product";
import {
  clearCompleted,
  completeAll,
  createTodo,
  deleteTodo,
  getTodoOrThrow,
  replaceTodo,
  setCompleted,
  updateTodo,
} from "../todos.service";
import {
  clearCompletedRoute,
  completeAllRoute,
  completeTodoRoute,
  createTodoRoute,
  deleteTodoRoute,
  getTodoRoute,
  incompleteTodoRoute,
  listTodosRoute,
  replaceTodoRoute,
  updateTodoRoute,
} from "./todos.openapi";

/** /todos: the user's todos. Handlers validate (via the route schemas), call a service, shape the response. */
export const todosRouter = createRouter<TodoEnv>()
  .openapi(listTodosRoute, async (c) => c.json(await listTodos(depsOf(c), c.req.valid("query")), 200))
  .openapi(createTodoRoute, async (c) => {
    const { todo } = await createTodo(depsOf(c), c.req.valid("json"));
    c.header("Location", `/todo/v1/todos/${todo.id}`);
    return c.json(todo, 201);
  })
  .openapi(clearCompletedRoute, async (c) => c.json({ deleted: await clearCompleted(depsOf(c)) }, 200))
  .openapi(completeAllRoute, async (c) => c.json({ updated: await completeAll(depsOf(c)) }, 200))
  .openapi(getTodoRoute, async (c) => c.json(await getTodoOrThrow(depsOf(c), c.req.valid("param").id), 200))
  .openapi(updateTodoRoute, async (c) => c.json(await updateTodo(depsOf(c), c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(replaceTodoRoute, async (c) => c.json(await replaceTodo(depsOf(c), c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deleteTodoRoute, async (c) => {
    await deleteTodo(depsOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(completeTodoRoute, async (c) => c.json(await setCompleted(depsOf(c), c.req.valid("param").id, true), 200))
  .openapi(incompleteTodoRoute, async (c) => c.json(await setCompleted(depsOf(c), c.req.valid("param").id, false), 200));
