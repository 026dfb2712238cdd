import { env } from "cloudflare:test";
import type { TestUser } from "@edgeworks/testing";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, describe, expect, it } from "vitest";
import { orders } from "../src/orders/schema";
import { api, newAdmin } from "./helpers";

const db = drizzle(env.DB);
let number = 700_000;

async function paidOrder(paidAt: string, total: number, refunded = 0, currency = "USD") {
  const t = Date.parse(paidAt);
  await db.insert(orders).values({
    id: nanoid(),
    number: number++,
    userId: "user_chart",
    state: refunded ? "partially_refunded" : "paid",
    currency,
    subtotal: total,
    total,
    amountPaid: total,
    amountRefunded: refunded,
    country: "US",
    shippingMethod: "standard",
    createdAt: t,
    updatedAt: t,
    paidAt: t,
  });
}

const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos", "#39"]);

/**
 * Checks that `xml` is well-formed for what an SVG chart uses (elements, attributes in double quotes,
 * text, the five entities): every tag closes in order, nothing unescaped. Returns the element names seen.
 */
function checkWellFormed(xml: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  let i = 0;
  const text = (s: string) => {
    expect(s.includes("<")).toBe(false);
    for (let a = s.indexOf("&"); a >= 0; a = s.indexOf("&", a + 1)) {
      const semi = s.indexOf(";", a);
      expect(semi, `an & without ; in ${s}`).toBeGreaterThan(a);
      expect(XML_ENTITIES.has(s.slice(a + 1, semi)), s.slice(a, semi + 1)).toBe(true);
    }
  };
  while (i < xml.length) {
    const open = xml.indexOf("<", i);
    if (open < 0) {
      text(xml.slice(i));
      break;
    }
    text(xml.slice(i, open));
    const close = xml.indexOf(">", open);
    expect(close).toBeGreaterThan(open);
    const tag = xml.slice(open + 1, close);
    i = close + 1;
    if (tag.startsWith("/")) {
      expect(stack.pop()).toBe(tag.slice(1));
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = body.split(" ")[0] ?? "";
    expect(name).toMatch(/^[a-z][a-zA-Z]*$/);
    seen.push(name);
    // attributes: name="value" pairs, values without < or unescaped &
    let rest = body.slice(name.length);
    while (rest.trim() !== "") {
      rest = rest.trimStart();
      const eq = rest.indexOf('="');
      expect(eq).toBeGreaterThan(0);
      expect(rest.slice(0, eq)).toMatch(/^[a-z][a-zA-Z0-9-]*$/);
      const end = rest.indexOf('"', eq + 2);
      expect(end).toBeGreaterThan(eq);
      text(rest.slice(eq + 2, end));
      rest = rest.slice(end + 1);
    }
    if (!selfClosing) stack.push(name);
  }
  expect(stack).toEqual([]);
  return seen;
}

let admin: TestUser;
beforeAll(async () => {
  admin = await newAdmin();
  await paidOrder("2031-06-01T10:00:00Z", 12_345);
  await paidOrder("2031-06-01T11:00:00Z", 10_000, 2_500);
  await paidOrder("2031-06-03T11:00:00Z", 999);
  await paidOrder("2031-06-02T11:00:00Z", 150_000, 0, "EUR");
});

const chart = (query: string) => api.call("GET", `/admin/dashboard/sales.svg?${query}`, admin.token);

describe("GET /admin/dashboard/sales.svg", () => {
  it("is an SVG image with no way to run anything, and says so in its headers", async () => {
    const res = await chart("from=2031-06-01&to=2031-06-04&currency=USD");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const svg = await res.text();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const elements = checkWellFormed(svg);
    expect(new Set(elements)).toEqual(new Set(["svg", "title", "desc", "rect", "text", "line", "g"]));
    for (const banned of ["<script", "href", "url(", "<image", "<foreignObject", "<use", "<style", "@import"]) {
      expect(svg, banned).not.toContain(banned);
    }
    expect(svg).not.toMatch(/ on[a-z]+="/);
  });

  it("is accessible: role, a title and a description with the totals, referenced by aria attributes", async () => {
    const svg = await (await chart("from=2031-06-01&to=2031-06-04&currency=USD")).text();
    expect(svg).toContain('role="img" aria-labelledby="chart-title" aria-describedby="chart-desc"');
    expect(svg).toContain('<title id="chart-title">Sales in USD per day, 2031-06-01 to 2031-06-03 (UTC)</title>');
    expect(svg).toContain(
      '<desc id="chart-desc">3 paid orders: $233.44 gross, $25.00 refunded, $208.44 net. Bars show the net amount per day, with the refunded part stacked on top.</desc>',
    );
    // axes: the x labels (UTC days) and y ticks in the currency
    for (const label of ["2031-06-01", "2031-06-02", "2031-06-03", "$0", "Amount (USD)", "Paid date (UTC, per day)"]) {
      expect(svg).toContain(`>${label}</text>`);
    }
    // one bar group per day that sold, with its figures as a tooltip
    expect(svg).toContain("<title>2031-06-01: 2 orders, $223.45 gross, $25.00 refunded, $198.45 net</title>");
    expect(svg).toContain("<title>2031-06-03: 1 orders, $9.99 gross, $0.00 refunded, $9.99 net</title>");
    expect(svg.match(/<g>/g)).toHaveLength(2);
  });

  it("charts the currency with the largest gross when none is asked for; weeks work too", async () => {
    const svg = await (await chart("from=2031-06-01&to=2031-06-30&interval=week")).text();
    checkWellFormed(svg);
    expect(svg).toContain("Sales in EUR per week");
    expect(svg).toContain("1 paid orders: €1,500.00 gross");
  });

  it("draws an empty range as axes and a sentence, in USD unless told otherwise", async () => {
    const svg = await (await chart("from=2040-01-01&to=2040-01-08")).text();
    checkWellFormed(svg);
    expect(svg).toContain('<desc id="chart-desc">No paid orders in USD in this range.</desc>');
    expect(svg).not.toContain("<g>");
    const jpy = await (await chart("from=2040-01-01&to=2040-01-08&currency=JPY")).text();
    expect(jpy).toContain(">¥0</text>");
  });

  it("a year of days stays well-formed with at most eight x labels", async () => {
    const svg = await (await chart("from=2031-01-01&to=2032-01-01&currency=USD")).text();
    checkWellFormed(svg);
    const dateLabels = svg.match(/>\d{4}-\d{2}-\d{2}<\/text>/g) ?? [];
    expect(dateLabels.length).toBeGreaterThanOrEqual(2);
    expect(dateLabels.length).toBeLessThanOrEqual(9);
    expect(dateLabels[0]).toBe(">2031-01-01</text>");
    expect(dateLabels.at(-1)).toBe(">2031-12-31</text>");
  });

  it.each([
    ["from=2031-06-04&to=2031-06-01", "from"],
    ["interval=hour", "interval"],
    ["from=2026-13-45", "from"],
    ["currency=%3Cscript%3E", "currency"],
  ])("%s is a 422 problem, not an image", async (query, path) => {
    await api.problem(chart(query), 422, "validation_failed", [path]);
  });
});
