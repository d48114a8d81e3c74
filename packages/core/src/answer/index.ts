// Offline answer composition from the analysis.
export * from "./grounded-confidence.js";
export { composeOfflineAnswer } from "./compose-offline-answer.js";
export { recommendationsFor } from "./recommendations.js";
export { directAnswer, type DirectAnswer } from "./direct-answer.js";
