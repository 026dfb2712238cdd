import { isPrivateV4 } from "./ip-ranges";
import { decodePunycode } from "./punycode";

/**
 * Wildcard-DNS services: every name under them resolves to the address it spells
 * (`127.0.0.1.nip.io`, `10-0-0-1.sslip.io`) or to loopback (`anything.localtest.me`), so they turn a
 * public-looking URL into a private one without any DNS record of the attacker's. Refused by name,
 * with their subdomains, before any lookup.
 */
export const WILDCARD_DNS_DOMAINS: readonly string[] = [
  "nip.io",
  "sslip.io",
  "xip.io",
  "xip.name",
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "traefik.me",
  "fuf.me",
  "localho.st",
  "lacolhost.com",
  "localhost.direct",
  "local.gd",
];

const MAX_HOST = 253;
const DIGITS = /^\d{1,3}$/;

/** The first private IPv4 address spelled by four consecutive numeric parts, or null. */
function privateRun(parts: string[]): string | null {
  for (let i = 0; i + 4 <= parts.length; i++) {
    const quad = parts.slice(i, i + 4);
    if (!quad.every((p) => DIGITS.test(p) && Number(p) <= 255)) continue;
    const n = quad.reduce((acc, p) => acc * 256 + Number(p), 0);
    if (isPrivateV4(n)) return quad.join(".");
  }
  return null;
}

/**
 * A private IPv4 address embedded in the name, dotted across labels (`127.0.0.1.example.com`) or
 * dashed inside one (`ip-10-0-0-5.example.com`, `10-0-0-1.sslip.io`), or null. Such names are what
 * wildcard resolvers answer, and an honest public site has no reason to spell a private address.
 */
export function embeddedPrivateV4(host: string): string | null {
  if (host.length > MAX_HOST) return null;
  const labels = host.split(".");
  return privateRun(labels) ?? labels.reduce<string | null>((found, label) => found ?? privateRun(label.split("-")), null);
}

/** Scripts a hostname label may use; anything else with letters counts as its own script ("Other"). */
const SCRIPTS: readonly [string, RegExp][] = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Armenian", /\p{Script=Armenian}/u],
  ["Georgian", /\p{Script=Georgian}/u],
  ["Hebrew", /\p{Script=Hebrew}/u],
  ["Arabic", /\p{Script=Arabic}/u],
  ["Thai", /\p{Script=Thai}/u],
  ["Devanagari", /\p{Script=Devanagari}/u],
  ["Cherokee", /\p{Script=Cherokee}/u],
  ["Han", /\p{Script=Han}/u],
  ["Hiragana", /\p{Script=Hiragana}/u],
  ["Katakana", /\p{Script=Katakana}/u],
  ["Hangul", /\p{Script=Hangul}/u],
  ["Bopomofo", /\p{Script=Bopomofo}/u],
];
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;

/** The mixes UTS #39 allows even at its "highly restrictive" level: Latin with the CJK scripts. */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ["Latin", "Han", "Hiragana", "Katakana"],
  ["Latin", "Han", "Bopomofo"],
  ["Latin", "Han", "Hangul"],
];

/** The scripts of one decoded label (digits, hyphens and combining marks belong to none). */
export function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const ch of label) {
    if (NEUTRAL.test(ch)) continue;
    found.add(SCRIPTS.find(([, re]) => re.test(ch))?.[0] ?? "Other");
  }
  return found;
}

/**
 * The scripts mixed in one label of the host (decoded from punycode), when the mix is not one
 * UTS #39 allows, e.g. `["Latin", "Cyrillic"]` for `xn--pypal-4ve` ("pаypal" with a Cyrillic а);
 * null when every label is single-script (`bücher`, `пример`) or an allowed CJK mix.
 */
export function mixedScripts(host: string): string[] | null {
  if (host.length > MAX_HOST) return null;
  for (const label of host.split(".")) {
    if (!label.startsWith("xn--")) continue;
    const decoded = decodePunycode(label.slice(4));
    if (decoded === null) return ["invalid punycode"];
    const scripts = [...scriptsOf(decoded)];
    if (scripts.length > 1 && !ALLOWED_MIXES.some((mix) => scripts.every((s) => mix.includes(s)))) return scripts;
  }
  return null;
}

/**
 * Why a (lower-case, non-IP) hostname may not be a target by its name alone, or null: a wildcard-DNS
 * service, a `localhost` label (`localhost.example.com` conventionally resolves to 127.0.0.1), an
 * embedded private address, or a mixed-script label (an IDN homograph, refused rather than marked: a
 * short link hides its destination, so nobody would see a mark before following it).
 *
 * @example hostnameProblem("127.0.0.1.nip.io") // "nip.io is a wildcard DNS service …"
 */
export function hostnameProblem(host: string): string | null {
  if (host.length > MAX_HOST) return "Must be a valid host name";
  const service = WILDCARD_DNS_DOMAINS.find((d) => host === d || host.endsWith(`.${d}`));
  if (service) return `${service} is a wildcard DNS service (its names resolve to any address, private ones included)`;
  if (host.split(".").includes("localhost")) return "Must point at a public domain name (a localhost name)";
  const embedded = embeddedPrivateV4(host);
  if (embedded) return `Must not point at a private address (the name spells ${embedded})`;
  const mixed = mixedScripts(host);
  if (mixed) return `The host mixes scripts in one label (${mixed.join(" and ")}), as look-alike (homograph) domains do`;
  return null;
}
