// Shapes the RealWorld responses, and the OpenAPI pieces every RealWorld route repeats.

import { iso } from "@edgeworks/http";
import type { Article } from "../articles.service";
import type { Comment } from "../comments.service";
import { errorsSchema } from "./validation";

export const presentArticle = (a: Article) => ({
  slug: a.slug,
  title: a.title,
  description: a.description,
  body: a.body,
  tagList: a.tagList,
  createdAt: iso(a.createdAt),
  updatedAt: iso(a.updatedAt),
  favorited: a.favorited,
  favoritesCount: a.favoritesCount,
  author: a.author,
});

/** List items leave out `body` (RealWorld API 2.0: lists stay small). */
export const presentListItem = (a: Article) => {
  const { body: _body, ...item } = presentArticle(a);
  return item;
};

export const presentComment = (c: Comment) => ({
  id: c.id,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
  body: c.body,
  author: c.author,
});

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: errorsSchema } } });
export const rwErrors = {
  401: errorResponse('Missing or invalid token: `{"errors": {"token": ["is missing" | "is invalid"]}}`'),
  403: errorResponse('Not yours: `{"errors": {"article" | "comment": ["forbidden"]}}`'),
  404: errorResponse('Not found: `{"errors": {"article" | "profile" | "comment": ["not found"]}}`'),
  409: errorResponse('Already taken: `{"errors": {"username" | "email": ["has already been taken"]}}`'),
  413: errorResponse("Body over 1 MiB"),
  415: errorResponse('Body is not JSON: `{"errors": {"body": ["must be JSON"]}}`'),
  422: errorResponse("Invalid input (also malformed JSON), keyed by field"),
  429: errorResponse(
    'Rate limited (writes: 600 a minute per user; register and login: by accounts); see Retry-After: `{"errors": {"request": ["is rate limited, retry later"]}}`',
  ),
  503: errorResponse(
    'Accounts is unreachable (register, login, the user; and the first write of an account with no blog profile yet): `{"errors": {"accounts": ["is unavailable, retry later"]}}`',
  ),
} as const;

export const rwErrorsFor = <S extends keyof typeof rwErrors>(...statuses: S[]): Pick<typeof rwErrors, S> =>
  Object.fromEntries(statuses.map((s) => [s, rwErrors[s]])) as Pick<typeof rwErrors, S>;

export const TOKEN_SECURITY = [{ Token: [] }];
/** A route where the token is optional (it adds `following` / `favorited` for the caller); a bad one sent is 401. */
export const OPTIONAL_TOKEN_SECURITY: Record<string, string[]>[] = [{ Token: [] }, {}];
