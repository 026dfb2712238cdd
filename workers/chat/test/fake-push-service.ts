// vitest globalSetup (runs in Node): a stand-in push service on 127.0.0.1. It answers 201 to any
// POST (410 under /gone/, 500 under /fail/) and records method, path, headers and body size; GET
// /requests lists them.
import { createServer } from "node:http";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    pushUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const requests: { path: string; headers: Record<string, string | string[] | undefined>; bytes: number }[] = [];
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/requests") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(requests));
      return;
    }
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on("end", () => {
      requests.push({ path: req.url ?? "", headers: req.headers, bytes });
      const url = req.url ?? "";
      res.writeHead(url.startsWith("/gone/") ? 410 : url.startsWith("/fail/") ? 500 : 201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  project.provide("pushUrl", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
