import { MAX_URL_LENGTH } from "@edgeworks/egress";
import { idParam, paginationQuery } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { dateTime, httpUrl, optionalLine, requiredLine, secret } from "./fields";
import { CUSTOM_SLUG_PATTERN, isReservedSlug } from "./slug";

export const REDIRECT_TYPES = [301, 302, 307, 308] as const;
export type RedirectType = (typeof REDIRECT_TYPES)[number];
export const DEVICES = ["ios", "android", "desktop"] as const;
export type Device = (typeof DEVICES)[number];
export const MAX_TAGS = 20;
export const MAX_RULES = 20;
export const MAX_CLICKS_LIMIT = 1_000_000_000;
export const MAX_BULK = 100;

/** A target URL as typed; the full safety check (@edgeworks/egress targetUrlProblem) runs in the service, which knows the hosts. */
export const targetUrl = () => httpUrl(MAX_URL_LENGTH).openapi({ example: "https://example.com/landing?utm_source=newsletter" });

export const customSlug = () =>
  z
    .string()
    .regex(CUSTOM_SLUG_PATTERN, "Must be 3-64 characters of A-Z, a-z, 0-9, _ and -")
    .refine((s) => !isReservedSlug(s), "This slug is reserved")
    .openapi({ description: "Custom alias: 3..64 of [A-Za-z0-9_-]; reserved words are refused", example: "spring-sale" });

/** Tag identity ignores ASCII case (as SQLite's lower() does), so `Work` and `work` are one tag. */
export const tagKey = (tag: string): string => tag.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

const tagName = () => requiredLine(50).openapi({ example: "newsletter" });

const tags = z
  .array(tagName())
  .max(MAX_TAGS, `At most ${MAX_TAGS} tags`)
  .transform((list) => [...new Map(list.map((t) => [tagKey(t), t])).values()])
  .openapi({ description: `Up to ${MAX_TAGS} tags; duplicates (ignoring ASCII case) are dropped`, example: ["campaign"] });

const ruleUrl = targetUrl().openapi({ description: "Where matching visitors go" });
export const linkRule = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("device"),
      value: z.enum(DEVICES).openapi({ description: "From the User-Agent: iPhone/iPad/iPod, Android, anything else" }),
      url: ruleUrl,
    }),
    z.strictObject({
      type: z.literal("country"),
      value: z
        .string()
        .regex(/^[A-Za-z]{2}$/, "Must be an ISO 3166-1 alpha-2 country code")
        .transform((s) => s.toUpperCase())
        .openapi({ description: "ISO 3166-1 alpha-2, from the edge location's geo-IP (`request.cf.country`)", example: "PL" }),
      url: ruleUrl,
    }),
    z.strictObject({
      type: z.literal("language"),
      value: z
        .string()
        .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "Must be a language tag like `pl` or `pt-BR`")
        .transform((s) => s.toLowerCase())
        .openapi({ description: "Matches the visitor's first `Accept-Language` choice (`pt` also matches `pt-BR`)", example: "pl" }),
      url: ruleUrl,
    }),
  ])
  .openapi("LinkRule", { description: "Rules are tried in order; the first match decides the target" });
export type LinkRule = z.output<typeof linkRule>;

const rules = z.array(linkRule).max(MAX_RULES, `At most ${MAX_RULES} rules`);
const isRedirectType = (n: number): n is RedirectType => (REDIRECT_TYPES as readonly number[]).includes(n);
const redirectType = z
  .number()
  .int("Must be 301, 302, 307 or 308")
  .refine(isRedirectType, "Must be 301, 302, 307 or 308")
  .openapi({
    enum: [...REDIRECT_TYPES],
    description: "302 (default) and 307 are never cached, so every click is counted; 301 and 308 are cacheable",
  });
const futureTime = () =>
  dateTime()
    .refine((ms) => ms > Date.now(), "Must be in the future")
    .openapi({
      format: "date-time",
      description: "ISO-8601 date-time with a zone, in the future; after it the link answers 410 (or goes to `expiredUrl`)",
      example: "2030-01-01T00:00:00Z",
    });
const maxClicks = z
  .number()
  .int("Must be an integer")
  .min(1, "Must be at least 1")
  .max(MAX_CLICKS_LIMIT, `Must be at most ${MAX_CLICKS_LIMIT}`)
  .openapi({ description: "Exact cap on redirects, enforced under concurrency; then 410 (or `expiredUrl`)" });
const expiredUrl = targetUrl().openapi({ description: "Where an expired or used-up link sends visitors (302) instead of 410" });
const password = secret(4, 128).openapi({
  description: "Visitors must enter it on a form before the redirect; stored as a PBKDF2 hash",
  example: "open sesame",
});
const title = optionalLine(200).openapi({ description: "Up to 200 characters; empty clears it", example: "Spring sale" });
const passQuery = z.boolean().openapi({ description: "Append the short URL's query string (e.g. UTM tags) to the target" });

export const createLinkBody = z
  .strictObject({
    url: targetUrl(),
    slug: customSlug().optional(),
    redirectType: redirectType.optional(),
    expiresAt: futureTime().optional(),
    maxClicks: maxClicks.optional(),
    expiredUrl: expiredUrl.optional(),
    password: password.optional(),
    tags: tags.optional(),
    rules: rules.optional(),
    passQuery: passQuery.optional(),
    title: title.optional(),
  })
  .openapi("CreateLink");
export type CreateLinkInput = z.output<typeof createLinkBody>;

export const updateLinkBody = z
  .strictObject({
    url: targetUrl().optional(),
    redirectType: redirectType.optional(),
    expiresAt: futureTime().nullable().optional(),
    maxClicks: maxClicks.nullable().optional(),
    expiredUrl: expiredUrl.nullable().optional(),
    password: password.nullable().optional(),
    tags: tags.optional(),
    rules: rules.optional(),
    passQuery: passQuery.optional(),
    title: title.nullable().optional(),
    disabled: z.boolean().optional().openapi({ description: "A disabled link answers 404 at once" }),
  })
  .openapi("UpdateLink", {
    description:
      "Only the given fields change; `null` clears a field; `{}` changes nothing. The slug cannot change: printed links stay valid",
  });
export type UpdateLinkInput = z.output<typeof updateLinkBody>;

export const bulkCreateBody = z
  .strictObject({
    links: z
      .array(z.unknown().openapi({ $ref: "#/components/schemas/CreateLink" } as never))
      .min(1, "Must not be empty")
      .max(MAX_BULK, `At most ${MAX_BULK} links`)
      .openapi({ description: `1..${MAX_BULK} CreateLink objects, each validated and created on its own` }),
  })
  .openapi("BulkCreateLinks");

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const linkSchema = z
  .object({
    id: z.string().openapi({ example: "V1StGXR8_Z5jdHi6B-myT" }),
    slug: z.string().openapi({ example: "spring-sale" }),
    shortUrl: z.string().openapi({ example: "https://edgew.rk/spring-sale" }),
    url: z.string(),
    title: z.string().nullable(),
    redirectType: z.number().int(),
    expiresAt: isoOut.nullable(),
    maxClicks: z.number().int().nullable(),
    expiredUrl: z.string().nullable(),
    passwordProtected: z.boolean(),
    tags: z.array(z.string()),
    rules: z.array(linkRule),
    passQuery: z.boolean(),
    disabled: z.boolean(),
    clicks: z.number().int().openapi({ description: "Recorded clicks (humans and bots); updated within seconds" }),
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Link");
export type Link = z.infer<typeof linkSchema>;

export const linkIdParams = z.object({ id: idParam("Link id") });

export const listLinksQuery = z.object({
  ...paginationQuery,
  tag: tagName().optional().openapi({ description: "Only links with this tag (ASCII case ignored)" }),
  q: requiredLine(200).optional().openapi({ description: "Case-insensitive search in url, slug and title" }),
});
export type ListLinksQuery = z.output<typeof listLinksQuery>;
