export * from "./app.js";
export * from "./api-runtime.js";
export type { AppState, Principal } from "./app-state.js";
