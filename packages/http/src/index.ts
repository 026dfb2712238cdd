export * from "./app";
export * from "./docs";
export * from "./errors";
export * from "./files";
export * from "./logging";
export * from "./openapi";
export * from "./pagination";
export * from "./validation";
