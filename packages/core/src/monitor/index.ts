export * from "./alert-ref.js";
export * from "./monitor-focus.js";
