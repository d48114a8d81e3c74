// A local backend (service info and chat sessions, as docs/backend.md describes) for tests.
export * from "./fake-backend.js";
