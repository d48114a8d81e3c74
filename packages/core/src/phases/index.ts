export * from "./step-clock.js";
export * from "./plan-question.js";
export * from "./execute-plan.js";
export * from "./synthesize-answer.js";
export * from "./needs-metadata.js";
