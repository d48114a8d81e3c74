import { describe, expect, it } from "vitest";
import { questionShape } from "./question-shape.js";

describe("a yes/no question that does not open the message", () => {
  it.each([
    ["api-py requests are timing out, is gunicorn the cause?", "trouble"],
    ["Were there DNS failures in the cluster this afternoon? it seems fine now", "trouble"],
    ["memory on the ingest containers keeps climbing, leak?", "trouble"],
    ["site is crawling, php-fpm?", "trouble"],
    ["the latency alert fired once at the gateway, real problem?", "trouble"],
    ["deploy went out an hour ago - is checkout ok?", "healthy"],
  ])("%s asks yes or no (yes means %s)", (question, yesMeans) => {
    expect(questionShape(question)).toMatchObject({ form: "yes_no", yesMeans });
  });

  it.each([
    "checkout is slow since the deploy, what changed?",
    "errors are up on checkout, which endpoint?",
    "orders queue is piling up",
    "logs are arriving late in the log search, why?",
    "Investigate checkout latency today, errors and saturation included",
  ])("%s does not", (question) => {
    expect(questionShape(question).form).not.toBe("yes_no");
  });
});
