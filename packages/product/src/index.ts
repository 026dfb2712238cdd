export * from "./define-product";
