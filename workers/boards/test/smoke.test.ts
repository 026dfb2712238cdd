import { describe, expect, it } from "vitest";
import { call, createCard, createList, getBoard, ok, openClient, team } from "./helpers";

describe("smoke", () => {
  it("creates a board with lists and cards in order and streams changes", async () => {
    const { admin, board, list } = await team();
    const a = await createCard(admin, list.id, { title: "A" });
    const b = await createCard(admin, list.id, { title: "B", pos: "top" });
    const c = await createCard(admin, list.id, { title: "C", pos: { after: b.id, before: a.id } });
    const got = await getBoard(admin, board.id);
    expect(got.lists.map((l) => l.name)).toEqual(["To do"]);
    expect(got.lists[0]?.cards.map((x) => x.title)).toEqual(["B", "C", "A"]);
    const client = await openClient(admin, board.id, 0);
    const done = await createList(admin, board.id, { name: "Done" });
    await ok(call("POST", `/cards/${c.id}/move`, admin.token, { listId: done.id, pos: "top" }));
    await client.until((f) => f.some((x) => x.type === "card.moved"));
    expect(client.frames.some((f) => f.type === "presence")).toBe(true);
    client.close();
  });
});
