// The policies suite's workspace config, as a YAML document to import (PUT …/config, Content-Type
// application/yaml): one upstream service and four routes, each with the plugins one group of tests is about.

/**
 * The YAML config for an upstream at `url`: `keyed` (auth), `limited` (auth + fixed-window 10 per hour per
 * consumer), `cached` (cache, 300 s), `mine` (auth keeping the credential + cache varying by Authorization),
 * and the consumers alice and bob.
 *
 * @example await admin.call("PUT", `/workspaces/${slug}/config`, policiesYaml(upstream.url), { "Content-Type": "application/yaml" });
 */
export const policiesYaml = (url: string): string => `
hosts: []
issuers: []
services:
  - name: api
    algorithm: round-robin
    targets:
      - url: ${url}
routes:
  - name: keyed
    paths: [/v1/keyed]
    service: api
    plugins:
      - name: auth
        config: { methods: [key] }
  - name: limited
    paths: [/v1/limited]
    service: api
    plugins:
      - name: auth
        config: { methods: [key] }
      - name: rate-limit
        config: { algorithm: fixed-window, limit: 10, windowSeconds: 3600, by: consumer }
  - name: cached
    paths: [/v1/cached/*]
    methods: [GET, HEAD]
    service: api
    plugins:
      - name: cache
        config: { ttlSeconds: 300 }
  - name: mine
    paths: [/v1/mine/*]
    methods: [GET]
    service: api
    plugins:
      - name: auth
        config: { methods: [key], hideCredentials: false }
      - name: cache
        config: { ttlSeconds: 300, varyHeaders: [Authorization] }
consumers:
  - username: alice
    groups: [staff]
  - username: bob
    groups: []
`;
