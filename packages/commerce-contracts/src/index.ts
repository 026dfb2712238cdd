export * from "./bus";
export * from "./events";
export * from "./rpc";
export * from "./telemetry";
