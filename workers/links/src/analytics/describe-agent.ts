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

/**
 * Classifies a User-Agent: crawlers, link-preview fetchers (Slack, WhatsApp, Facebook…), HTTP
 * libraries and an empty agent are bots; they are counted in `clicks` and `bots`, never in `humans`.
 *
 * @example describeAgent("Mozilla/5.0 (iPhone; …) Safari/604.1") // { bot: false, device: "mobile", browser: "Safari", os: "iOS" }
 */
export function describeAgent(ua: string): AgentInfo {
  const bot = ua.trim() === "" || isbot(ua);
  if (ua.trim() === "") return { bot, device: "bot", browser: "unknown", os: "unknown" };
  const parsed = Bowser.parse(ua);
  return {
    bot,
    device: bot ? "bot" : parsed.platform.type || "unknown",
    browser: parsed.browser.name || "unknown",
    os: parsed.os.name || "unknown",
  };
}
