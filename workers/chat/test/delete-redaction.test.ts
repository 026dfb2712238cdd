import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { call, connect, createRoom, newUser } from "./helpers";

// Issue 10, item 5: a deleted message leaves no text behind, neither its original nor any edit of it.
describe("a deleted message's text is gone from the replay and from storage", () => {
  it("send, edit twice, delete: since=0 replays no trace of any of its texts", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    const kept = await a.post("kept message");
    const gone = await a.post("original secret");
    // one change at a time, so the seqs asserted below are known (TestSocket.exchange)
    const change = (frame: { type: "edit" | "delete"; messageId: string; text?: string }) =>
      a.exchange(frame, (f) => f.type === (frame.type === "edit" ? "edited" : "deleted") && f.messageId === frame.messageId);
    await change({ type: "edit", messageId: gone.id, text: "edited secret one" });
    await change({ type: "edit", messageId: gone.id, text: "edited secret two" });
    await change({ type: "edit", messageId: kept.id, text: "kept, edited" });
    await change({ type: "delete", messageId: gone.id });
    await a.close();

    const replay = await connect(alice, room.id, 0);
    const frames = replay.all;
    expect(JSON.stringify(frames)).not.toMatch(/secret/);
    const edits = frames.filter((f) => f.type === "edited");
    expect(edits).toEqual([
      { type: "edited", seq: 3, messageId: gone.id, userId: alice.id, text: "", deleted: true, editedAt: expect.any(String) },
      { type: "edited", seq: 4, messageId: gone.id, userId: alice.id, text: "", deleted: true, editedAt: expect.any(String) },
      { type: "edited", seq: 5, messageId: kept.id, userId: alice.id, text: "kept, edited", editedAt: expect.any(String) },
    ]);
    expect(frames.map((f) => f.type)).toEqual(["message", "message", "edited", "edited", "edited", "deleted", "ready"]);
    await replay.close();

    // and not only on the way out: nothing in the room's storage still holds the text
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    const stored = await runInDurableObject(stub, (_room, state) =>
      state.storage.sql
        .exec("SELECT body FROM events UNION ALL SELECT text FROM messages")
        .toArray()
        .map((r) => String(r.body)),
    );
    expect(stored.join("\n")).not.toMatch(/secret/);
  });

  it("an edit stored unredacted before this fix is redacted on replay", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    const m = await a.post("old secret");
    await a.exchange({ type: "edit", messageId: m.id, text: "old edited secret" }, (f) => f.type === "edited");
    a.send({ type: "delete", messageId: m.id });
    await a.take((f) => f.type === "deleted");
    await a.close();
    // what a room deleted before the fix has in storage: the edit's text still there
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    await runInDurableObject(stub, (_room, state) => {
      state.storage.sql.exec(
        `UPDATE events SET body = json_remove(json_set(body, '$.text', 'old edited secret'), '$.deleted') WHERE type = 'edited'`,
      );
    });
    const replay = await connect(alice, room.id, 0);
    expect(JSON.stringify(replay.all)).not.toMatch(/secret/);
    expect(replay.all.find((f) => f.type === "edited")).toMatchObject({ text: "", deleted: true });
    await replay.close();
  });
});

describe("a deleted message's text leaves the notifications too", () => {
  it("the search consumer's delete blanks the text of the message's notifications (GET /notifications)", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const messageId = `m-${crypto.randomUUID()}`;
    const run = async (queue: string, body: unknown) => {
      const batch = createMessageBatch(queue, [{ id: `q-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body }]);
      await worker.queue(batch, env);
      return getQueueResult(batch, createExecutionContext());
    };
    const createdAt = Date.now();
    await run("edgeworks-chat-notify", {
      roomId: room.id,
      messageId,
      seq: 1,
      senderId: alice.id,
      text: "secret plans",
      connected: [],
      createdAt,
    });
    const texts = async () =>
      ((await (await call("GET", "/notifications", bob.token)).json()) as { items: { body: string }[] }).items.map(
        (n) => (JSON.parse(n.body) as { text: string }).text,
      );
    expect(await texts()).toEqual(["secret plans"]);
    // an email of it not yet drained (and one of another message, which stays)
    const unsent = (id: string) =>
      env.DB.prepare("INSERT INTO queue_outbox (id, topic, body, created_at) VALUES (?, 'mail', '{}', 0)").bind(`mail:chat-message/${id}`);
    await env.DB.batch([unsent(`${messageId}/late`), unsent(`${messageId}x/other`)]);
    const deleted = { kind: "delete", roomId: room.id, messageId, seq: 1, version: 2, userId: alice.id, text: "", createdAt };
    expect((await run("edgeworks-chat-search", deleted)).retryMessages).toEqual([]);
    expect(await texts()).toEqual([""]);
    const prefix = `mail:chat-message/${messageId}`;
    const left = await env.DB.prepare("SELECT id FROM queue_outbox WHERE substr(id, 1, ?) = ? AND sent_at IS NULL")
      .bind(prefix.length, prefix)
      .all();
    expect(left.results).toEqual([{ id: `mail:chat-message/${messageId}x/other` }]);
  });
});
