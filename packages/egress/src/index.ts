export * from "./dns";
export * from "./hostname-rules";
export * from "./ip-ranges";
export * from "./punycode";
export * from "./safe-fetch";
export * from "./url-safety";
