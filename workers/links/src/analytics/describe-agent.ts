import Bowser from "bowser";
import { isbot } from "isbot";

/** What a User-Agent says about the visitor, for the stats dimensions. */
export interface AgentInfo {
  bot: boolean;
  /** mobile, tablet, desktop, tv, bot or unknown. */
  device: string;
  browser: string;
  os: string;
}

/** Parsed agents, by User-Agent string: a batch mostly repeats a few browsers, and parsing is the consumer's main CPU cost. */
const parsed = new Map<string, AgentInfo>();
const MAX_PARSED = 2_000;

/**
 * Classifies a User-Agent: crawlers, link-preview fetchers (Slack, WhatsApp, Facebook…), HTTP
 * libraries and an empty agent are bots; they are counted in `clicks` and `bots`, never in `humans`.
 *
 * @example describeAgent("Mozilla/5.0 (iPhone; …) Safari/604.1") // { bot: false, device: "mobile", browser: "Safari", os: "iOS" }
 */
export function describeAgent(ua: string): AgentInfo {
  let info = parsed.get(ua);
  if (!info) {
    info = parseAgent(ua);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(ua, info);
  }
  return info;
}

function parseAgent(ua: string): AgentInfo {
  const bot = ua.trim() === "" || isbot(ua);
  if (ua.trim() === "") return { bot, device: "bot", browser: "unknown", os: "unknown" };
  const result = Bowser.parse(ua);
  return {
    bot,
    device: bot ? "bot" : result.platform.type || "unknown",
    browser: result.browser.name || "unknown",
    os: result.os.name || "unknown",
  };
}
