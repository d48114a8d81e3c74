export * from "./classify-question.js";
export * from "./plan-offline.js";
