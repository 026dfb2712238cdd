import { PRODUCTS } from "./products";

/** The landing page at `/`: what Edgeworks is and where each product's API reference lives. */
export function landingPage(): string {
  const rows = PRODUCTS.map(
    (p) =>
      `<tr><td><strong>${p.name}</strong></td><td><code>${p.prefix}</code></td><td>${p.description}</td>` +
      `<td><a href="${p.prefix}/docs">reference</a> · <a href="${p.prefix}/openapi.json">openapi.json</a></td></tr>`,
  ).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edgeworks</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:left}
code{background:#f3f3f3;padding:0 .25rem;border-radius:3px}
</style>
</head>
<body>
<h1>Edgeworks</h1>
<p>Production backends on Cloudflare's edge: one Hono Worker per product on D1, KV, Durable Objects, Queues and R2.</p>
<table>
<thead><tr><th>Product</th><th>Prefix</th><th>What</th><th>API</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p>Every document, for API tools: <a href="/openapi.json">/openapi.json</a> · <a href="/health">/health</a></p>
</body>
</html>`;
}
