// The README examples, typechecked (tsc -p packages/client): a renamed route or field breaks this file.
import {
  createAccountsClient,
  createBlogClient,
  createBoardsClient,
  createChatClient,
  createLinksClient,
  createNotesClient,
  createTodoClient,
  problemText,
} from "../src/index";

export async function examples(base: string, token: string, notebookId: string): Promise<unknown[]> {
  const accounts = createAccountsClient(base);
  const login = await accounts.POST("/auth/v1/login", {
    body: { email: "ada@example.com", password: "correct horse battery" },
  });
  if (login.error) throw new Error(problemText(login.error, login.response)); // 401: wrong pair
  const { accessToken } = login.data; // for the other clients: { token: accessToken }

  const todo = createTodoClient(base, { token });
  const { data: created } = await todo.POST("/todo/v1/todos", { body: { title: "Ship it", tags: ["work"] } });
  const { data: page } = await todo.GET("/todo/v1/todos", { params: { query: { status: "active", limit: 20 } } });

  const links = createLinksClient(base, { token });
  const { data: link } = await links.POST("/links/v1/links", { body: { url: "https://example.com/a/long/path" } });

  const notes = createNotesClient(base, { token });
  const { data: note } = await notes.POST("/notes/v1/notes", { body: { notebookId, title: "Ideas", content: "# Ideas\n- one" } });
  const { data: hits } = await notes.GET("/notes/v1/search", { params: { query: { q: "ideas" } } });

  const blog = createBlogClient(base);
  const { data: articles } = await blog.GET("/blog/api/articles", { params: { query: { tag: "edge", limit: 10 } } });

  const chat = createChatClient(base, { token });
  const { data: room } = await chat.POST("/chat/v1/rooms", { body: { name: "general" } });
  const { data: history } = await chat.GET("/chat/v1/rooms/{id}/messages", { params: { path: { id: room!.id }, query: { limit: 50 } } });

  const boards = createBoardsClient(base, { token });
  const { data: board } = await boards.POST("/boards/v1/boards", { body: { name: "Launch" } });

  return [accessToken, created?.id, page?.items, link?.slug, note?.id, hits, articles?.articles, history?.items, board?.id];
}
