// The config part's public functions (DESIGN.md "A's functions"): the admin API, the proxy, health and
// analytics call these. Each is documented with an example where it is defined.
export { buildSnapshot, compileSnapshot, type SnapshotInput, specificity } from "./compile";
export { type Change, diffConfigs } from "./diff";
export { API_KEY_PREFIX, type ApiKeyInfo, createApiKey, hashApiKey, listApiKeys, MAX_LIVE_KEYS, purgeRoute, revokeApiKey } from "./keys";
export {
  type Consumer,
  emptyConfig,
  type GatewayConfig,
  type GatewayConfigInput,
  gatewayConfigSchema,
  type Issuer,
  LIMITS,
  MAX_CONFIG_BYTES,
  type PluginEntry,
  type Route,
  type Service,
  type Target,
} from "./model";
export { formatPath, isHostname, NAME_PATTERN, newId, pathPatternProblem } from "./names";
export { publish, snapshotKey } from "./publish";
export { loadSnapshot, SnapshotCache, type SnapshotLookup, snapshotCache } from "./snapshot-cache";
export {
  type ChangeOptions,
  changeConfig,
  getConfig,
  getVersion,
  listVersions,
  rollback,
  type VersionInfo,
} from "./store";
export { allowedBindings, bindingProblem, targetProblem } from "./targets";
export { type ConfigFormat, parseConfigText, renderConfig } from "./text";
export { type ValidateOptions, validateConfig } from "./validate";
export { createWorkspace, deleteWorkspace, SLUG_PATTERN } from "./workspace";
