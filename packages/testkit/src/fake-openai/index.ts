// A local OpenAI Chat Completions server that the real openai SDK talks to in tests.
export * from "./fake-openai.js";
export * from "./fake-reply.js";
export { defaultChatReply, defaultPlan, defaultAnswer } from "./default-chat-reply.js";
export type { FakeChatMessage, FakeChatRequest } from "./chat-request.js";
