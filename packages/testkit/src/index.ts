export * from "./free-port.js";
export * from "./redis-server.js";
export * from "./fake-datadog/index.js";
export * from "./fake-openai/index.js";
export * from "./fake-backend/index.js";
export * from "./datadog-recordings/index.js";
