export * from "./accounts";
export * from "./api-key";
export * from "./crypto";
export * from "./directory";
export * from "./jwt";
export * from "./middleware";
export * from "./password";
export * from "./tickets";
