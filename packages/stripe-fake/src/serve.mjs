#!/usr/bin/env node
// @ts-check
// CLI: node packages/stripe-fake/src/serve.mjs [--port 12111] [--host 127.0.0.1] [--endpoint <url>=<whsec_…>]...
import { parseArgs } from "node:util";
import { startStripeFake } from "./server.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.STRIPE_FAKE_PORT ?? "12111" },
    host: { type: "string", default: "127.0.0.1" },
    endpoint: { type: "string", multiple: true, default: [] },
  },
});

const endpoints = (values.endpoint ?? []).map((spec) => {
  const at = spec.lastIndexOf("=");
  if (at <= 0) throw new Error(`--endpoint wants <url>=<whsec_…>, got ${spec}`);
  return { url: spec.slice(0, at), secret: spec.slice(at + 1) };
});

const fake = await startStripeFake({ port: Number(values.port), host: values.host, endpoints });
console.log(`stripe-fake listening on ${fake.url}`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
