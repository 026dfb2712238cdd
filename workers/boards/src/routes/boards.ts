import { createRouter } from "@edgeworks/http";
import { boardForMember, boardStub, isMember } from "../board-client";
import { boardsDb, listBoards } from "../board-index";
import type { BoardSnapshot } from "../do/board-admin";
import { invalidField, unwrap } from "../do/result";
import { isBoardId, newBoardId } from "../ids";
import { resolveUser } from "../members";
import type { BoardsEnv } from "../product";
import type { ActivityPage } from "../views";
import {
  addMemberRoute,
  boardActivityRoute,
  calendarRoute,
  createBoardRoute,
  deleteBoardRoute,
  getBoardRoute,
  listBoardsRoute,
  removeMemberRoute,
  saveTemplateRoute,
  searchCardsRoute,
  updateBoardRoute,
  updateMemberRoute,
} from "./boards.openapi";

/** Creates a board in a fresh Durable Object (its id is new, so nothing else can be writing to it). */
async function createBoard(env: Env, ownerId: string, name: string, isTemplate: boolean, snapshot?: BoardSnapshot) {
  const id = newBoardId();
  return unwrap(await boardStub(env, id).init({ id, name, ownerId, isTemplate, snapshot }));
}

/** The template's content, for a member of it; a template id the caller cannot see is 422. */
async function templateSnapshot(env: Env, userId: string, templateId: string): Promise<BoardSnapshot> {
  if (!isBoardId(templateId) || !(await isMember(env, templateId, userId))) throw invalidField("templateId", "No such template");
  return unwrap(await boardStub(env, templateId).snapshot(userId)).snapshot;
}

/** /boards, and what hangs off one board. */
export const boardsRouter = createRouter<BoardsEnv>()
  .openapi(createBoardRoute, async (c) => {
    const { name, templateId } = c.req.valid("json");
    const userId = c.var.auth.userId;
    const snapshot = templateId === undefined ? undefined : await templateSnapshot(c.env, userId, templateId);
    const board = await createBoard(c.env, userId, name, false, snapshot);
    c.header("Location", `/boards/v1/boards/${board.id}`);
    return c.json(board, 201);
  })
  .openapi(listBoardsRoute, async (c) => {
    const { template } = c.req.valid("query");
    const items = await listBoards(boardsDb(c.env.DB), c.var.auth.userId, template === undefined ? undefined : template === "true");
    return c.json({ items }, 200);
  })
  .openapi(getBoardRoute, async (c) => {
    const userId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, userId);
    return c.json(unwrap(await board.getBoard(userId)), 200);
  })
  .openapi(updateBoardRoute, async (c) => {
    const userId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, userId);
    return c.json(unwrap(await board.updateBoard(userId, c.req.valid("json").name)), 200);
  })
  .openapi(deleteBoardRoute, async (c) => {
    const userId = c.var.auth.userId;
    const id = c.req.valid("param").id;
    const board = await boardForMember(c.env, id, userId);
    unwrap(await board.deleteBoard(userId));
    c.executionCtx.waitUntil(deletePrefix(c.env.BOARD_FILES, `boards/${id}/`));
    return c.body(null, 204);
  })
  .openapi(saveTemplateRoute, async (c) => {
    const userId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, userId);
    const { name, snapshot } = unwrap(await board.snapshot(userId));
    const template = await createBoard(c.env, userId, c.req.valid("json").name ?? name, true, snapshot);
    c.header("Location", `/boards/v1/boards/${template.id}`);
    return c.json(template, 201);
  })
  .openapi(addMemberRoute, async (c) => {
    const actorId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, actorId);
    const body = c.req.valid("json");
    const userId = await resolveUser(c.env, body);
    return c.json(unwrap(await board.addMember(actorId, userId, body.role)), 201);
  })
  .openapi(updateMemberRoute, async (c) => {
    const actorId = c.var.auth.userId;
    const { id, userId } = c.req.valid("param");
    const board = await boardForMember(c.env, id, actorId);
    return c.json(unwrap(await board.updateMember(actorId, userId, c.req.valid("json").role)), 200);
  })
  .openapi(removeMemberRoute, async (c) => {
    const actorId = c.var.auth.userId;
    const { id, userId } = c.req.valid("param");
    const board = await boardForMember(c.env, id, actorId);
    unwrap(await board.removeMember(actorId, userId));
    return c.body(null, 204);
  })
  .openapi(boardActivityRoute, async (c) => {
    const userId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, userId);
    const { before, limit } = c.req.valid("query");
    return c.json(unwrap<ActivityPage>(await board.activity(userId, null, before, limit)), 200);
  })
  .openapi(searchCardsRoute, async (c) => {
    const userId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, userId);
    return c.json({ items: unwrap(await board.searchCards(userId, c.req.valid("query"))) }, 200);
  })
  .openapi(calendarRoute, async (c) => {
    const userId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, userId);
    const { from, to } = c.req.valid("query");
    return c.json({ items: unwrap(await board.calendar(userId, from, to)) }, 200);
  });

/** Deletes every R2 object under a prefix (a deleted board's attachments), page by page. */
export async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, limit: 1000 });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
