import { createRouter } from "@edgeworks/http";
import type { Context } from "hono";
import { boardForMember, boardOfChild } from "../board-client";
import { unwrap } from "../do/result";
import type { BoardsEnv } from "../product";
import type { ActivityPage } from "../views";
import {
  addChecklistRoute,
  addCommentRoute,
  addDependencyRoute,
  addItemRoute,
  cardActivityRoute,
  createCardRoute,
  createListRoute,
  deleteCardRoute,
  deleteChecklistRoute,
  deleteCommentRoute,
  editCommentRoute,
  getCardRoute,
  moveCardRoute,
  moveListRoute,
  removeDependencyRoute,
  updateCardRoute,
  updateItemRoute,
  updateListRoute,
} from "./cards.openapi";
import { cardJson } from "./common";

const cardBoard = (c: Context<BoardsEnv>, cardId: string) => boardOfChild(c.env, "card", cardId, c.var.auth.userId);
const listBoard = (c: Context<BoardsEnv>, listId: string) => boardOfChild(c.env, "list", listId, c.var.auth.userId);

/** Lists and cards: every write goes to the board's Durable Object. */
export const cardsRouter = createRouter<BoardsEnv>()
  .openapi(createListRoute, async (c) => {
    const userId = c.var.auth.userId;
    const board = await boardForMember(c.env, c.req.valid("param").id, userId);
    return c.json(unwrap(await board.createList(userId, c.req.valid("json"))), 201);
  })
  .openapi(updateListRoute, async (c) => {
    const { listId } = c.req.valid("param");
    const { board } = await listBoard(c, listId);
    return c.json(unwrap(await board.updateList(c.var.auth.userId, listId, c.req.valid("json"))), 200);
  })
  .openapi(moveListRoute, async (c) => {
    const { listId } = c.req.valid("param");
    const { board } = await listBoard(c, listId);
    return c.json(unwrap(await board.moveList(c.var.auth.userId, listId, c.req.valid("json").pos)), 200);
  })
  .openapi(createCardRoute, async (c) => {
    const { listId } = c.req.valid("param");
    const { board } = await listBoard(c, listId);
    const card = unwrap(await board.createCard(c.var.auth.userId, listId, c.req.valid("json")));
    c.header("Location", `/boards/v1/cards/${card.id}`);
    return cardJson(c, card, 201);
  })
  .openapi(getCardRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.getCard(c.var.auth.userId, id)), 200);
  })
  .openapi(updateCardRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    const ifMatch = c.req.valid("header")["if-match"];
    return cardJson(c, unwrap(await board.updateCard(c.var.auth.userId, id, c.req.valid("json"), ifMatch)), 200);
  })
  .openapi(deleteCardRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    const keys = unwrap(await board.deleteCard(c.var.auth.userId, id, c.req.valid("header")["if-match"]));
    if (keys.length > 0) c.executionCtx.waitUntil(c.env.BOARD_FILES.delete(keys));
    return c.body(null, 204);
  })
  .openapi(moveCardRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    const ifMatch = c.req.valid("header")["if-match"];
    return cardJson(c, unwrap(await board.moveCard(c.var.auth.userId, id, c.req.valid("json"), ifMatch)), 200);
  })
  .openapi(addChecklistRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.addChecklist(c.var.auth.userId, id, c.req.valid("json"))), 201);
  })
  .openapi(deleteChecklistRoute, async (c) => {
    const { id, checklistId } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.deleteChecklist(c.var.auth.userId, id, checklistId)), 200);
  })
  .openapi(addItemRoute, async (c) => {
    const { id, checklistId } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.addChecklistItem(c.var.auth.userId, id, checklistId, c.req.valid("json").text)), 201);
  })
  .openapi(updateItemRoute, async (c) => {
    const { id, checklistId, itemId } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.updateChecklistItem(c.var.auth.userId, id, { checklistId, itemId }, c.req.valid("json"))), 200);
  })
  .openapi(addCommentRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.addComment(c.var.auth.userId, id, c.req.valid("json").text)), 201);
  })
  .openapi(editCommentRoute, async (c) => {
    const { id, commentId } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.editComment(c.var.auth.userId, id, commentId, c.req.valid("json").text)), 200);
  })
  .openapi(deleteCommentRoute, async (c) => {
    const { id, commentId } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.deleteComment(c.var.auth.userId, id, commentId)), 200);
  })
  .openapi(addDependencyRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.addDependency(c.var.auth.userId, id, c.req.valid("json"))), 201);
  })
  .openapi(removeDependencyRoute, async (c) => {
    const { id, blockerId } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    return cardJson(c, unwrap(await board.removeDependency(c.var.auth.userId, id, blockerId)), 200);
  })
  .openapi(cardActivityRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { board } = await cardBoard(c, id);
    const { before, limit } = c.req.valid("query");
    return c.json(unwrap<ActivityPage>(await board.activity(c.var.auth.userId, id, before, limit)), 200);
  });
