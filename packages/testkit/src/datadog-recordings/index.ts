export * from "./datadog-recording.js";
export * from "./json-shape.js";
