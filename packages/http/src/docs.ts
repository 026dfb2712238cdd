import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env as HonoEnv } from "hono";

export interface DocsOptions {
  /** The product's prefix on the front door, e.g. `/todo`. */
  prefix: string;
  title: string;
  version: string;
  description: string;
  /** Where the reference UI's script and styles are served (the front door's static assets). */
  assetsBase?: string;
  /** Adds what the generated document cannot know (middleware of the product's own), after {@link finishDocument}. */
  finish?: (doc: OpenApiDocument) => void;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

/** The interactive API reference page; Swagger UI served from our own origin, never a CDN. */
export function docsPage(title: string, specUrl: string, assetsBase = "/_docs"): string {
  const t = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t} — API reference</title>
<link rel="stylesheet" href="${assetsBase}/swagger-ui.css">
</head>
<body>
<noscript><p>${t}: the OpenAPI document is at <a href="${escapeHtml(specUrl)}">${escapeHtml(specUrl)}</a>.</p></noscript>
<div id="swagger-ui" data-spec-url="${escapeHtml(specUrl)}"></div>
<script src="${assetsBase}/swagger-ui-bundle.js"></script>
<script src="${assetsBase}/init.js"></script>
</body>
</html>`;
}

/**
 * The license and contact every product's document names (`info.license`, `info.contact`): the code is not
 * published under an open license (package.json is private), so it says so with an SPDX `LicenseRef-`.
 */
export const DOCUMENT_INFO = {
  license: { name: "Proprietary", identifier: "LicenseRef-Edgeworks-Proprietary" },
  contact: { name: "Edgeworks maintainers" },
} as const;

/** An operation of a generated document, as far as the platform's additions read it. */
export type OpenApiOperation = { responses?: Record<string, unknown>; security?: Record<string, unknown>[]; parameters?: unknown[] };
/** A generated document, as far as the platform's additions read it. */
export type OpenApiDocument = {
  info?: Record<string, unknown>;
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: {
    securitySchemes?: Record<string, unknown>;
    responses?: Record<string, unknown>;
    parameters?: Record<string, unknown>;
    headers?: Record<string, unknown>;
  };
};

/** Every operation of a document with its path (path-level keys that are not operations are skipped). */
export function operationsOf(doc: OpenApiDocument): [path: string, operation: OpenApiOperation][] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.values(item)
      .filter((op) => !!op && typeof op === "object" && !Array.isArray(op))
      .map((op): [string, OpenApiOperation] => [path, op]),
  );
}

/**
 * What the platform's middleware adds to every document: `info.license`/`contact`, and a 304 on every GET that
 * answers 200 (conditionalGet answers `If-None-Match` with 304 and no body); and it drops a security scheme no
 * operation uses (a product with public routes only). Products' generated documents and merged ones (the
 * commerce gateway's) both pass through it.
 */
export function finishDocument<D extends OpenApiDocument>(doc: D): D {
  doc.info = { ...doc.info, ...DOCUMENT_INFO };
  const used = new Set(operationsOf(doc).flatMap(([, op]) => (op.security ?? []).flatMap((s) => Object.keys(s))));
  const schemes = doc.components?.securitySchemes;
  for (const name of Object.keys(schemes ?? {})) if (!used.has(name)) delete schemes?.[name];
  for (const item of Object.values(doc.paths ?? {})) {
    const get = item.get;
    if (get?.responses?.["200"] && !get.responses["304"]) {
      get.responses["304"] = { description: "Not modified: `If-None-Match` matched the current `ETag`; no body" };
    }
  }
  return doc;
}

/**
 * Serves `<prefix>/openapi.json` (OpenAPI 3.1, generated from the zod route schemas) and
 * `<prefix>/docs` (the interactive reference), and registers the bearer security scheme.
 *
 * @example mountDocs(app, { prefix: "/todo", title: "Todo API", version: "1.0.0", description: "…" });
 */
export function mountDocs<E extends HonoEnv>(app: OpenAPIHono<E>, options: DocsOptions): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An access token from `POST /auth/v1/login` (ES256, 15 minutes).",
  });
  const config = {
    openapi: "3.1.0",
    info: { title: options.title, version: options.version, description: options.description },
    servers: [{ url: "/", description: "This origin (the front door or the product's own route)" }],
  };
  // built on first request (every route is registered by then) and kept: the routes never change at run time
  let document: unknown;
  app.get(`${options.prefix}/openapi.json`, (c) => {
    if (!document) {
      const doc = finishDocument(app.getOpenAPI31Document(config) as unknown as OpenApiDocument);
      options.finish?.(doc);
      document = doc;
    }
    return c.json(document);
  });
  app.get(`${options.prefix}/docs`, (c) => {
    const base = (c.env as { DOCS_ASSETS_BASE?: string } | undefined)?.DOCS_ASSETS_BASE ?? options.assetsBase;
    return c.html(docsPage(options.title, `${options.prefix}/openapi.json`, base));
  });
}
