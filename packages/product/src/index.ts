export * from "./define-product";
export * from "./optional-auth";
