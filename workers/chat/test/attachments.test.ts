import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, connect, createRoom, eventually, expectProblem, newUser, type User } from "./helpers";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8]);
const upload = (user: User, roomId: string, body: BodyInit, type: string, name = "pic.png") =>
  SELF.fetch(`${BASE}/rooms/${roomId}/attachments?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.token}`, "Content-Type": type },
    body,
  });

describe("file sharing", () => {
  it("upload, send with a message, download as a member (with Range), never as a stranger", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const mallory = await newUser();
    const room = await createRoom(alice, [bob]);
    const res = await upload(alice, room.id, PNG, "image/png", "cat photo.png");
    expect(res.status).toBe(201);
    const file = (await res.json()) as { id: string; url: string };
    expect(file).toEqual({
      id: expect.any(String),
      name: "cat photo.png",
      contentType: "image/png",
      size: 16,
      url: `/chat/v1/rooms/${room.id}/attachments/${file.id}`,
    });

    const a = await connect(alice, room.id);
    const b = await connect(bob, room.id);
    a.send({ type: "message", clientId: "with-file", attachments: [file.id] });
    await a.take((f) => f.type === "ack");
    expect(await b.take((f) => f.type === "message")).toMatchObject({ text: "", attachments: [file] });

    // the same file cannot be sent twice; someone else's file cannot be sent at all
    a.send({ type: "message", clientId: "again", text: "x", attachments: [file.id] });
    expect(await a.take((f) => f.type === "error")).toMatchObject({ code: "invalid_attachment", clientId: "again" });
    const bobs = (await (await upload(bob, room.id, PNG, "image/png")).json()) as { id: string };
    a.send({ type: "message", clientId: "stolen", text: "x", attachments: [bobs.id] });
    expect(await a.take((f) => f.type === "error")).toMatchObject({ code: "invalid_attachment" });

    const dl = await SELF.fetch(`http://chat.test${file.url}`, { headers: { Authorization: `Bearer ${bob.token}` } });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("Content-Type")).toBe("image/png");
    expect(dl.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(dl.headers.get("Content-Disposition")).toBe(`inline; filename="cat photo.png"; filename*=UTF-8''cat%20photo.png`);
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(PNG);
    const part = await SELF.fetch(`http://chat.test${file.url}`, { headers: { Authorization: `Bearer ${bob.token}`, Range: "bytes=0-3" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe("bytes 0-3/16");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(PNG.slice(0, 4));

    await expectProblem(
      await SELF.fetch(`http://chat.test${file.url}`, { headers: { Authorization: `Bearer ${mallory.token}` } }),
      404,
      "not_found",
    );
    await expectProblem(await SELF.fetch(`http://chat.test${file.url}`), 401, "unauthorized");
    await expectProblem(await upload(mallory, room.id, PNG, "image/png"), 404, "not_found");
    await a.close();
    await b.close();
  });

  it("a deleted message's file is gone", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const file = (await (await upload(alice, room.id, "hello", "text/plain", "a.txt")).json()) as { id: string; url: string };
    const a = await connect(alice, room.id);
    a.send({ type: "message", clientId: "f", text: "see file", attachments: [file.id] });
    const ack = await a.take((f) => f.type === "ack");
    a.send({ type: "delete", messageId: ack.id });
    await a.take((f) => f.type === "deleted");
    await expectProblem(
      await SELF.fetch(`http://chat.test${file.url}`, { headers: { Authorization: `Bearer ${alice.token}` } }),
      404,
      "not_found",
    );
    await eventually(async () => ((await env.CHAT_FILES.head(`rooms/${room.id}/${file.id}`)) === null ? true : undefined));
    await a.close();
  });

  it.each([
    ["an unknown type", "hello", "application/x-msdownload", 415, "unsupported_media_type"],
    ["html", "<script>alert(1)</script>", "text/html", 415, "unsupported_media_type"],
    ["no type", "hello", "", 415, "unsupported_media_type"],
    ["bytes that are not a PNG", "<svg onload=alert(1)>", "image/png", 422, "validation_failed"],
    ["a RIFF that is not WebP", "RIFF\u0004\u0000\u0000\u0000WAVEfmt ", "image/webp", 422, "validation_failed"],
    ["text that is not UTF-8", new Uint8Array([0xff, 0xfe, 0x00]), "text/plain", 422, "validation_failed"],
    ["an empty file", "", "text/plain", 422, "validation_failed"],
    ["more than 10 MiB", new Uint8Array(10 * 1024 * 1024 + 1), "application/zip", 413, "payload_too_large"],
  ])("%s is %i", async (_w, body, type, status, code) => {
    const alice = await newUser();
    const room = await createRoom(alice);
    await expectProblem(await upload(alice, room.id, body as BodyInit, type), status, code);
  });

  it.each(["../../etc/passwd", "a\u0000b", " ", "x".repeat(201)])("the file name %j is 422", async (name) => {
    const alice = await newUser();
    const room = await createRoom(alice);
    await expectProblem(await upload(alice, room.id, PNG, "image/png", name), 422, "validation_failed", ["name"]);
  });

  describe("Range", () => {
    const download = async (range: string) => {
      const alice = await newUser();
      const room = await createRoom(alice);
      const file = (await (await upload(alice, room.id, PNG, "image/png")).json()) as { url: string };
      return SELF.fetch(`http://chat.test${file.url}`, { headers: { Authorization: `Bearer ${alice.token}`, Range: range } });
    };

    it.each([
      ["bytes=-4", "bytes 12-15/16", PNG.slice(12)],
      ["bytes=-100", "bytes 0-15/16", PNG],
      ["bytes=10-", "bytes 10-15/16", PNG.slice(10)],
      ["bytes=15-99", "bytes 15-15/16", PNG.slice(15)],
    ])("%s is 206 with %s", async (range, contentRange, body) => {
      const res = await download(range);
      expect(res.status).toBe(206);
      expect(res.headers.get("Content-Range")).toBe(contentRange);
      expect(res.headers.get("Content-Length")).toBe(String(body.length));
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(body);
    });

    it("a range past the end is 416 with Content-Range: bytes */size", async () => {
      const res = await download("bytes=16-");
      expect(res.headers.get("Content-Range")).toBe("bytes */16");
      await expectProblem(res, 416, "range_not_satisfiable");
    });

    it.each(["bytes=0-1,4-5", "bytes=5-1", "items=0-1", "garbage"])("an unusable Range %s gets the whole file", async (range) => {
      const res = await download(range);
      expect(res.status).toBe(200);
      expect(res.headers.has("Content-Range")).toBe(false);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    });
  });

  it("unknown attachment ids are 404", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    await expectProblem(await call("GET", `/rooms/${room.id}/attachments/nope`, alice.token), 404, "not_found");
  });
});
