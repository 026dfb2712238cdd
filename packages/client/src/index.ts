// Typed clients for every product, from the OpenAPI documents the products serve (see README.md).
// The types in ./generated are written by `pnpm client:gen`; the calls go through openapi-fetch, which
// is plain fetch + Request underneath, so the same client runs in workerd, browsers and Node.
import createFetchClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { paths as AccountsPaths } from "./generated/accounts";
import type { paths as BlogPaths } from "./generated/blog";
import type { paths as BoardsPaths } from "./generated/boards";
import type { paths as ChatPaths } from "./generated/chat";
import type { paths as LinksPaths } from "./generated/links";
import type { paths as NotesPaths } from "./generated/notes";
import type { paths as TodoPaths } from "./generated/todo";

export type * as AccountsApi from "./generated/accounts";
export type * as BlogApi from "./generated/blog";
export type * as BoardsApi from "./generated/boards";
export type * as ChatApi from "./generated/chat";
export type * as LinksApi from "./generated/links";
export type * as NotesApi from "./generated/notes";
export type * as TodoApi from "./generated/todo";
export type { Client, Middleware };

/** A bearer token, or a function asked before every request (so a refreshed token is picked up). */
export type TokenSource = string | (() => string | null | undefined);

/** openapi-fetch's options without `baseUrl` (the first argument), plus the caller's access token. */
export interface ProductClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Sent as `Authorization: Bearer <token>` unless the call sets its own Authorization header. */
  token?: TokenSource;
}

/**
 * The middleware that adds `Authorization: Bearer …`. A call that passes its own Authorization header
 * (another user's token in a test, an API key) keeps it.
 *
 * @example client.use(bearerAuth(() => session.accessToken));
 */
export function bearerAuth(token: TokenSource): Middleware {
  return {
    onRequest({ request }) {
      const value = typeof token === "function" ? token() : token;
      if (value && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${value}`);
      return request;
    },
  };
}

/**
 * A typed client for any product's `paths` (from ./generated). `baseUrl` is the origin in front of the
 * product's prefix: the front door (`http://127.0.0.1:8787`), or `""` in a page served by that origin.
 *
 * @example
 * const todo = createProductClient<TodoApi.paths>("http://127.0.0.1:8787", { token });
 * const { data, error, response } = await todo.GET("/todo/v1/todos", { params: { query: { limit: 10 } } });
 */
export function createProductClient<Paths extends {}>(baseUrl: string, options: ProductClientOptions = {}): Client<Paths> {
  const { token, ...rest } = options;
  const client = createFetchClient<Paths>({ ...rest, baseUrl });
  if (token !== undefined) client.use(bearerAuth(token));
  return client;
}

/**
 * Identity (prefix `/auth`): register, log in, refresh, API keys, JWKS.
 *
 * @example const { data } = await createAccountsClient(base).POST("/auth/v1/login", { body: { email, password } });
 */
export const createAccountsClient = (baseUrl: string, options?: ProductClientOptions): Client<AccountsPaths> =>
  createProductClient<AccountsPaths>(baseUrl, options);

/**
 * Todo API (prefix `/todo`).
 *
 * @example await createTodoClient(base, { token }).POST("/todo/v1/todos", { body: { title: "ship it" } });
 */
export const createTodoClient = (baseUrl: string, options?: ProductClientOptions): Client<TodoPaths> =>
  createProductClient<TodoPaths>(baseUrl, options);

/**
 * URL shortener (prefix `/links`, and the redirect at `/{slug}` on the front door's root).
 *
 * @example await createLinksClient(base, { token }).GET("/links/v1/links");
 */
export const createLinksClient = (baseUrl: string, options?: ProductClientOptions): Client<LinksPaths> =>
  createProductClient<LinksPaths>(baseUrl, options);

/**
 * Notes API (prefix `/notes`).
 *
 * @example await createNotesClient(base, { token }).GET("/notes/v1/notebooks");
 */
export const createNotesClient = (baseUrl: string, options?: ProductClientOptions): Client<NotesPaths> =>
  createProductClient<NotesPaths>(baseUrl, options);

/**
 * Blog API (prefix `/blog`; the RealWorld routes under `/blog/api` answer RealWorld's own error shape).
 *
 * @example await createBlogClient(base).GET("/blog/api/articles");
 */
export const createBlogClient = (baseUrl: string, options?: ProductClientOptions): Client<BlogPaths> =>
  createProductClient<BlogPaths>(baseUrl, options);

/**
 * Chat API (prefix `/chat`); the WebSocket frames are typed by packages/realtime, not by OpenAPI.
 *
 * @example await createChatClient("", { token }).POST("/chat/v1/rooms", { body: { name: "general" } });
 */
export const createChatClient = (baseUrl: string, options?: ProductClientOptions): Client<ChatPaths> =>
  createProductClient<ChatPaths>(baseUrl, options);

/**
 * Boards API (prefix `/boards`).
 *
 * @example await createBoardsClient(base, { token }).GET("/boards/v1/boards");
 */
export const createBoardsClient = (baseUrl: string, options?: ProductClientOptions): Client<BoardsPaths> =>
  createProductClient<BoardsPaths>(baseUrl, options);

/** An RFC 9457 problem body, as every product (except the RealWorld routes) answers an error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

/**
 * The human-readable part of a failed call's `error` (`detail`, else `title`), or the status line.
 *
 * @example const { error, response } = await todo.GET("/todo/v1/todos"); if (error) show(problemText(error, response));
 */
export function problemText(error: unknown, response: Response): string {
  const problem = (typeof error === "object" && error !== null ? error : {}) as Partial<Problem>;
  return problem.detail || problem.title || `${response.status} ${response.statusText}`.trim();
}
