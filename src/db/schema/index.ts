export * from "./core";
export * from "./cases";
export * from "./warnings";
export * from "./requests";
export * from "./stats";
export * from "./documents";
export * from "./supervision";
