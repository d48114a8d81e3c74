export * from "./openai-reasoner.js";
export * from "./offline-reasoner.js";
export * from "./create-reasoner.js";
export {
  ChatCaller,
  defaultTokenLimitParam,
  isReasoningModel,
  tokensOf,
  type ChatMessage,
  type TokenLimitParam,
} from "./chat-caller.js";
export { PLAN_JSON_SCHEMA, checkPlanReply, type PlanOutput } from "./plan-output.js";
export { topUpPlan, type ToppedUpPlan } from "./plan-top-up.js";
export { parseJsonReply } from "./json-reply.js";
export { TimeBudget, PLAN_TIME_SHARE, ANSWER_TIME_SHARE, type DeadlineHint } from "./time-budget.js";
export { ANSWER_JSON_SCHEMA, checkAnswerReply, type AnswerReply } from "./answer-output.js";
export { groundAnswer, type GroundedAnswer } from "./grounded-answer.js";
export { loadPrompt, renderPrompt, type PromptName, type PromptTemplate } from "./prompt-template.js";
export { boundedHistory } from "./conversation-history.js";
export { loadTokenCounter } from "./token-counter.js";
export { callCost, priceOf, type CallTokens } from "./model-price.js";
