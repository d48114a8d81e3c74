export * from "./config.js";
export * from "./config-error.js";
export * from "./config-schema.js";
export * from "./api-tokens.js";
export * from "./redis-target.js";
