import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createTicket, findTicket, sha256Hex, storeTicket, TICKET_TTL_MS, TICKETS_DDL, takeTicket } from "../src";

const testEnv = env as unknown as { SQL: DurableObjectNamespace };

/** Runs `fn` on the SQL storage of a fresh object with the tickets table. */
const withTickets = <T>(fn: (sql: SqlStorage) => T): Promise<T> =>
  runInDurableObject(testEnv.SQL.get(testEnv.SQL.newUniqueId()), (_i, state) => {
    state.storage.sql.exec(TICKETS_DDL);
    return fn(state.storage.sql);
  });

const NOW = 1_800_000_000_000;

describe("tickets", () => {
  it("a ticket is 32 random bytes in base64url; its hash is its SHA-256", async () => {
    const { ticket, hash } = await createTicket();
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(await sha256Hex(ticket));
    expect((await createTicket()).ticket).not.toBe(ticket);
  });

  it("store keeps only the hash, for TICKET_TTL_MS, and drops expired tickets", async () => {
    const { ticket, hash } = await createTicket();
    const rows = await withTickets((sql) => {
      storeTicket(sql, "old", "u0", NOW - TICKET_TTL_MS); // expires exactly at NOW
      expect(storeTicket(sql, hash, "u1", NOW)).toBe(NOW + TICKET_TTL_MS);
      return sql.exec("SELECT * FROM tickets").toArray();
    });
    expect(TICKET_TTL_MS).toBe(60_000);
    expect(rows).toEqual([{ hash, user_id: "u1", expires_at: NOW + TICKET_TTL_MS }]);
    expect(JSON.stringify(rows)).not.toContain(ticket);
  });

  it("find leaves the ticket usable; take works once", async () => {
    const result = await withTickets((sql) => {
      storeTicket(sql, "h", "u1", NOW);
      return [
        findTicket(sql, "h", NOW),
        findTicket(sql, "h", NOW),
        takeTicket(sql, "h", NOW),
        takeTicket(sql, "h", NOW),
        findTicket(sql, "h", NOW),
      ];
    });
    expect(result).toEqual([{ userId: "u1" }, { userId: "u1" }, { userId: "u1" }, null, null]);
  });

  it("an expired ticket is neither found nor taken, and take deletes it", async () => {
    const result = await withTickets((sql) => {
      storeTicket(sql, "h", "u1", NOW);
      const expiry = NOW + TICKET_TTL_MS;
      const alive = [findTicket(sql, "h", expiry - 1)];
      const dead = [findTicket(sql, "h", expiry), takeTicket(sql, "h", expiry)];
      return { alive, dead, left: sql.exec("SELECT COUNT(*) AS n FROM tickets").one().n };
    });
    expect(result).toEqual({ alive: [{ userId: "u1" }], dead: [null, null], left: 0 });
  });

  it("an unknown hash is neither found nor taken", async () => {
    expect(await withTickets((sql) => [findTicket(sql, "nope", NOW), takeTicket(sql, "nope", NOW)])).toEqual([null, null]);
  });
});
