export * from "./cases";
export * from "./core";
export * from "./documents";
export * from "./jobs";
export * from "./requests";
export * from "./stats";
export * from "./supervision";
export * from "./warnings";
