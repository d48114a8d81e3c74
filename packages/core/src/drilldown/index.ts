export * from "./drill-down.js";
export * from "./breakdown-keys.js";
export * from "./drill-menu.js";
export * from "./localise-rounds.js";
export * from "./propose-drill-down.js";
