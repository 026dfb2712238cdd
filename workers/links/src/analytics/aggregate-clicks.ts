import type { Dimension } from "../schema";
import { type ClickEvent, countOf } from "./click-event";
import { describeAgent } from "./describe-agent";

export const HOUR_MS = 3_600_000;
/** Separates the parts of an aggregation key; no id, host, place or agent name contains it. */
const SEP = "\u0001";
/** Events aggregated between two yields to the event loop, so a big batch never stalls redirects in this isolate. */
const SLICE = 1_000;

type Counts = { clicks: number; humans: number; bots: number };

export interface HourlyRow extends Counts {
  linkId: string;
  hour: number;
}
export interface DimensionRow {
  linkId: string;
  hour: number;
  dimension: Dimension;
  value: string;
  clicks: number;
  humans: number;
}
export interface Aggregates {
  hourly: HourlyRow[];
  dimensions: DimensionRow[];
  /** Clicks per link, for the link's running total. */
  perLink: Map<string, number>;
}

const bump = (map: Map<string, Counts>, key: string, bot: boolean, n: number) => {
  let c = map.get(key);
  if (!c) {
    c = { clicks: 0, humans: 0, bots: 0 };
    map.set(key, c);
  }
  c.clicks += n;
  if (bot) c.bots += n;
  else c.humans += n;
};

/**
 * Folds click events (each standing for `n` clicks) into per-link-per-hour counts and per-dimension counts (referrer host or
 * `direct`, country, city, device, browser, OS; `unknown` when absent). Bots count in `clicks` and
 * `bots`, never in `humans`.
 */
export async function aggregateClicks(events: ClickEvent[]): Promise<Aggregates> {
  const hourly = new Map<string, Counts>();
  const dims = new Map<string, Counts>();
  const perLink = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && i % SLICE === 0) await new Promise((r) => setTimeout(r, 0));
    const e = events[i] as ClickEvent;
    const agent = describeAgent(e.ua);
    const n = countOf(e);
    const base = `${e.linkId}${SEP}${Math.floor(e.ts / HOUR_MS) * HOUR_MS}`;
    bump(hourly, base, agent.bot, n);
    bump(dims, `${base}${SEP}referrer${SEP}${e.referrerHost ?? "direct"}`, agent.bot, n);
    bump(dims, `${base}${SEP}country${SEP}${e.country ?? "unknown"}`, agent.bot, n);
    bump(dims, `${base}${SEP}city${SEP}${e.city ?? "unknown"}`, agent.bot, n);
    bump(dims, `${base}${SEP}device${SEP}${agent.device}`, agent.bot, n);
    bump(dims, `${base}${SEP}browser${SEP}${agent.browser}`, agent.bot, n);
    bump(dims, `${base}${SEP}os${SEP}${agent.os}`, agent.bot, n);
    perLink.set(e.linkId, (perLink.get(e.linkId) ?? 0) + n);
  }
  return {
    hourly: [...hourly].map(([key, c]) => {
      const [linkId, hour] = key.split(SEP) as [string, string];
      return { linkId, hour: Number(hour), ...c };
    }),
    dimensions: [...dims].map(([key, c]) => {
      const [linkId, hour, dimension, ...value] = key.split(SEP) as [string, string, Dimension, ...string[]];
      return { linkId, hour: Number(hour), dimension, value: value.join(SEP), clicks: c.clicks, humans: c.humans };
    }),
    perLink,
  };
}
