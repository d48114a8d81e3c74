export * from "./backend-schemas.js";
export * from "./backend-client.js";
export * from "./service-directory.js";
export * from "./backend-from-config.js";
