import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, type Card, call, createCard, expectProblem, ok, team, type User } from "./helpers";

const upload = (u: User | null, cardId: string, body: BodyInit, type = "text/plain", filename = "notes.txt") =>
  SELF.fetch(`${BASE}/cards/${cardId}/attachments?filename=${encodeURIComponent(filename)}`, {
    method: "POST",
    headers: { "Content-Type": type, ...(u ? { Authorization: `Bearer ${u.token}` } : {}) },
    body,
  });

describe("attachments", () => {
  it("are stored in R2 and downloaded by board members only", async () => {
    const { admin, observer, stranger, list, board } = await team();
    const card = await createCard(admin, list.id);
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // a PNG signature: the bytes are sniffed
    const res = await upload(admin, card.id, bytes, "image/png", "screen shot ü.png");
    const c = await ok<Card>(res, 201);
    expect(c.attachments).toEqual([
      {
        id: expect.any(String),
        filename: "screen shot ü.png",
        contentType: "image/png",
        size: 8,
        createdBy: admin.id,
        createdAt: expect.any(String),
      },
    ]);
    expect(c.version).toBe(2);
    const id = c.attachments[0]?.id as string;
    const listed = await env.BOARD_FILES.list({ prefix: `boards/${board.id}/cards/${card.id}/` });
    expect(listed.objects.map((o) => o.key)).toEqual([`boards/${board.id}/cards/${card.id}/${id}`]);

    const dl = await SELF.fetch(`${BASE}/cards/${card.id}/attachments/${id}`, { headers: { Authorization: `Bearer ${observer.token}` } });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("Content-Type")).toBe("image/png");
    expect(dl.headers.get("Content-Disposition")).toBe(
      `attachment; filename="screen shot _.png"; filename*=UTF-8''screen%20shot%20%C3%BC.png`,
    );
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(bytes);
    const denied = await SELF.fetch(`${BASE}/cards/${card.id}/attachments/${id}`, {
      headers: { Authorization: `Bearer ${stranger.token}` },
    });
    await expectProblem(denied, 404, "not_found");
    await expectProblem(await upload(observer, card.id, "x"), 403, "forbidden");
    await expectProblem(await upload(stranger, card.id, "x"), 404, "not_found");
    await expectProblem(await upload(null, card.id, "x"), 401, "unauthorized");

    await ok(call("DELETE", `/cards/${card.id}/attachments/${id}`, admin.token), 204);
    await expectProblem(await call("GET", `/cards/${card.id}/attachments/${id}`, admin.token), 404, "not_found");
    expect((await env.BOARD_FILES.list({ prefix: `boards/${board.id}/` })).objects).toEqual([]);
  });

  it("refuse other types (415), empty and oversized bodies, and bad file names", async () => {
    const { admin, list } = await team();
    const card = await createCard(admin, list.id);
    await expectProblem(await upload(admin, card.id, "<script>", "text/html"), 415, "unsupported_media_type");
    await expectProblem(await upload(admin, card.id, "<svg/>", "image/svg+xml"), 415, "unsupported_media_type");
    await expectProblem(await upload(admin, card.id, ""), 422, "validation_failed");
    // the declared type is checked against the bytes, never trusted
    await expectProblem(await upload(admin, card.id, "<svg onload=alert(1)>", "image/png", "x.png"), 415, "unsupported_media_type");
    await expectProblem(
      await upload(admin, card.id, "RIFF\u0004\u0000\u0000\u0000WAVEfmt ", "image/webp", "x.webp"),
      415,
      "unsupported_media_type",
    );
    await expectProblem(await upload(admin, card.id, new Uint8Array([0xff, 0xfe, 0x00]), "text/plain"), 415, "unsupported_media_type");
    await expectProblem(await upload(admin, card.id, "%PDF-1.7", "application/zip", "x.zip"), 415, "unsupported_media_type");
    await expectProblem(await upload(admin, card.id, new Uint8Array(5 * 1024 * 1024 + 1)), 413, "payload_too_large");
    await expectProblem(await upload(admin, card.id, "x", "text/plain", "../etc/passwd"), 422, "validation_failed", ["filename"]);
    await expectProblem(await upload(admin, card.id, "x", "text/plain", "a\u0000b"), 422, "validation_failed", ["filename"]);
    expect((await ok<Card>(call("GET", `/cards/${card.id}`, admin.token))).attachments).toEqual([]);
  });

  it("serve one Range as 206, past the end as 416, and ignore other Range headers", async () => {
    const { admin, list } = await team();
    const card = await createCard(admin, list.id);
    const c = await ok<Card>(await upload(admin, card.id, "0123456789"), 201);
    const get = (range: string) =>
      SELF.fetch(`${BASE}/cards/${card.id}/attachments/${c.attachments[0]?.id}`, {
        headers: { Authorization: `Bearer ${admin.token}`, Range: range },
      });
    const part = await get("bytes=-3");
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe("bytes 7-9/10");
    expect(part.headers.get("Accept-Ranges")).toBe("bytes");
    expect(await part.text()).toBe("789");
    const past = await get("bytes=10-");
    expect(past.headers.get("Content-Range")).toBe("bytes */10");
    await expectProblem(past, 416, "range_not_satisfiable");
    for (const range of ["bytes=0-1,4-5", "bytes=5-1", "junk"]) {
      const whole = await get(range);
      expect(whole.status).toBe(200);
      expect(await whole.text()).toBe("0123456789");
    }
  });
});
