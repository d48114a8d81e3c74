export { SseParser, type SseMessage } from "./sse-parser.js";
