import { SELF } from "cloudflare:test";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { type Board, type Card, call, createBoard, createCard, createList, expectProblem, ok, team, type User } from "./helpers";

const feedUrl = async (u: User) => (await ok<{ url: string; createdAt: string }>(call("POST", "/calendar-feed", u.token), 201)).url;

describe("calendar view", () => {
  it("returns live cards due in [from, to), soonest first", async () => {
    const { admin, observer, board, list } = await team();
    const late = await createCard(admin, list.id, { title: "late", dueAt: "2026-12-20T10:00:00Z" });
    const early = await createCard(admin, list.id, { title: "early", dueAt: "2026-12-02T10:00:00Z" });
    await createCard(admin, list.id, { title: "outside", dueAt: "2027-02-01T10:00:00Z" });
    await createCard(admin, list.id, { title: "no due" });
    const archived = await createCard(admin, list.id, { title: "archived", dueAt: "2026-12-10T10:00:00Z" });
    await ok(call("PATCH", `/cards/${archived.id}`, admin.token, { archived: true }));
    const edge = await createCard(admin, list.id, { title: "at to", dueAt: "2027-01-01T00:00:00Z" });
    const shelved = await createList(admin, board.id, { name: "Shelved" });
    await createCard(admin, shelved.id, { title: "in an archived list", dueAt: "2026-12-11T10:00:00Z" });
    await ok(call("PATCH", `/lists/${shelved.id}`, admin.token, { archived: true }));
    const res = await ok<{ items: Card[] }>(
      call("GET", `/boards/${board.id}/calendar?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z`, observer.token),
    );
    expect(res.items.map((c) => c.id)).toEqual([early.id, late.id]);
    // plain dates: from the start of the first day to the end of the last
    const byDates = await ok<{ items: Card[] }>(call("GET", `/boards/${board.id}/calendar?from=2026-12-02&to=2026-12-20`, observer.token));
    expect(byDates.items.map((c) => c.id)).toEqual([early.id, late.id]);
    const oneDay = await ok<{ items: Card[] }>(call("GET", `/boards/${board.id}/calendar?from=2026-12-20&to=2026-12-20`, observer.token));
    expect(oneDay.items.map((c) => c.id)).toEqual([late.id]);
    // `to` is exclusive: one second later the card due exactly at it is in, last
    const past = await ok<{ items: Card[] }>(
      call("GET", `/boards/${board.id}/calendar?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:01Z`, observer.token),
    );
    expect(past.items.map((c) => c.id)).toEqual([early.id, late.id, edge.id]);
  });

  it("validates the range", async () => {
    const { admin, board, stranger } = await team();
    const q = (s: string) => call("GET", `/boards/${board.id}/calendar?${s}`, admin.token);
    await expectProblem(await q("from=2026-12-01T00:00:00Z"), 422, "validation_failed", ["to"]);
    await expectProblem(await q("from=yesterday&to=2026-12-01T00:00:00Z"), 422, "validation_failed", ["from"]);
    await expectProblem(await q("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"), 422, "validation_failed", ["to"]);
    await expectProblem(await q("from=2026-01-01T00:00:00Z&to=2027-06-01T00:00:00Z"), 422, "validation_failed", ["to"]);
    await expectProblem(await q("from=2026-02-30&to=2026-03-02"), 422, "validation_failed", ["from"]);
    await expectProblem(await q("from=2026-12-01&to=2026-12-01T00:00:00"), 422, "validation_failed", ["to"]);
    await expectProblem(await q("from=2026-12-02&to=2026-12-01"), 422, "validation_failed", ["to"]);
    await expectProblem(
      await call("GET", `/boards/${board.id}/calendar?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z`, stranger.token),
      404,
      "not_found",
    );
  });
});

describe("iCalendar feed", () => {
  it("is a valid RFC 5545 calendar of my due cards, with stable UIDs and escaped text, and no auth header", async () => {
    const { admin, member, board, list } = await team();
    const tricky = 'Launch; v2, "final"\\ check\nnext line — zażółć 🚀';
    const a = await createCard(admin, list.id, { title: tricky, dueAt: "2026-12-24T17:00:00Z", description: "Line 1\nLine 2" });
    const b = await createCard(admin, list.id, { title: "Retro", dueAt: "2027-01-05T09:30:00Z" });
    await createCard(admin, list.id, { title: "no due date" });
    // a board the member is not on, and a template: neither shows
    const elsewhere = await createBoard(admin, "Private");
    const privateList = await createList(admin, elsewhere.id);
    await createCard(admin, privateList.id, { title: "secret", dueAt: "2026-12-25T10:00:00Z" });

    const url = await feedUrl(member);
    expect(url).toMatch(/^http:\/\/boards\.test\/boards\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const res = await SELF.fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const text = await res.text();
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);

    const comp = new ICAL.Component(ICAL.parse(text));
    expect(comp.getFirstPropertyValue("version")).toBe("2.0");
    expect(comp.getFirstPropertyValue("prodid")).toBeTruthy();
    const events = comp.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary).sort()).toEqual([tricky, "Retro"].sort());
    const first = events.find((e) => e.uid === `${a.id}@boards.edgeworks`);
    expect(first?.summary).toBe(tricky);
    expect(first?.startDate.toJSDate().toISOString()).toBe("2026-12-24T17:00:00.000Z");
    expect(first?.description).toContain("Line 1\nLine 2");
    expect(first?.component.getFirstPropertyValue("dtstamp")).toBeTruthy();
    expect(events.find((e) => e.uid === `${b.id}@boards.edgeworks`)).toBeTruthy();

    // the UID is stable across fetches and changes; a moved due date moves the event
    await ok(call("PATCH", `/cards/${b.id}`, admin.token, { dueAt: "2027-01-06T09:30:00Z" }));
    const again = new ICAL.Component(ICAL.parse(await (await SELF.fetch(url)).text()));
    const moved = again
      .getAllSubcomponents("vevent")
      .map((v) => new ICAL.Event(v))
      .find((e) => e.uid === `${b.id}@boards.edgeworks`);
    expect(moved?.startDate.toJSDate().toISOString()).toBe("2027-01-06T09:30:00.000Z");

    // a template the member owns, with a due card in it, stays out of the feed
    const template = await ok<Board>(call("POST", `/boards/${board.id}/template`, member.token, { name: "Sprint template" }), 201);
    const templateList = template.lists[0]?.id ?? "";
    const inTemplate = await createCard(member, templateList, { title: "template card", dueAt: "2026-12-26T10:00:00Z" });
    expect(inTemplate.dueAt).toBe("2026-12-26T10:00:00.000Z");
    const latest = new ICAL.Component(ICAL.parse(await (await SELF.fetch(url)).text()));
    expect(latest.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v).uid)).not.toContain(`${inTemplate.id}@boards.edgeworks`);
    expect(latest.getAllSubcomponents("vevent")).toHaveLength(2);
  });

  it("stops working when regenerated or revoked; unknown secrets are 404", async () => {
    const { member } = await team();
    const first = await feedUrl(member);
    const second = await feedUrl(member);
    expect(second).not.toBe(first);
    await expectProblem(await SELF.fetch(first), 404, "not_found");
    expect((await SELF.fetch(second)).status).toBe(200);
    await ok(call("DELETE", "/calendar-feed", member.token), 204);
    await expectProblem(await SELF.fetch(second), 404, "not_found");
    await expectProblem(await call("DELETE", "/calendar-feed", member.token), 404, "not_found");
    await expectProblem(await SELF.fetch(`http://boards.test/boards/v1/calendar/${"A".repeat(43)}.ics`), 404, "not_found");
    await expectProblem(await SELF.fetch("http://boards.test/boards/v1/calendar/short.ics"), 422, "validation_failed");
    await expectProblem(await call("POST", "/calendar-feed"), 401, "unauthorized");
  });

  it("leaves a board out once I am removed from it", async () => {
    const { admin, member, list, board } = await team();
    await createCard(admin, list.id, { title: "due", dueAt: "2026-12-24T17:00:00Z" });
    const url = await feedUrl(member);
    const count = async () => new ICAL.Component(ICAL.parse(await (await SELF.fetch(url)).text())).getAllSubcomponents("vevent").length;
    expect(await count()).toBe(1);
    await ok(call("DELETE", `/boards/${board.id}/members/${member.id}`, admin.token), 204);
    expect(await count()).toBe(0);
  });
});
