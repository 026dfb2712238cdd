export * from "./d1-session";
export * from "./define-product";
export * from "./optional-auth";
