/** Builds the dashboard into src/web/dist/assets.ts (see build.mjs); `changed`: whether the file was rewritten. */
export function buildGatewayWeb(): { changed: boolean; out: string };
