import { describe, expect, it } from "vitest";
import type { JobView } from "@orch/queue";
import { SLACK_LIMITS, headlineOf, slackMessage } from "../src/slack/slack-message.js";

const finding = (i: number) => ({
  id: `f${i}`,
  category: "errors" as const,
  severity: "critical" as const,
  metric: "trace.http.request.errors",
  window: { start: 0, end: 1 },
  evidence: {},
  summary: `Finding ${i} <script> & ${"x".repeat(900)}`,
  score: 0.9,
  state: "ongoing" as "ongoing" | "recovered",
});

function view(result: Partial<NonNullable<JobView["result"]>> & Record<string, unknown>): JobView {
  return {
    job_id: "0m3k2x9aQ7Zb3kP1uVw2xYz",
    status: "completed",
    phase: "feedback",
    round: 1,
    service_id: "checkout",
    user_message: "Why?",
    session_id: null,
    created_at: "2024-06-10T06:00:00.000Z",
    updated_at: "2024-06-10T06:00:01.000Z",
    started_at: "2024-06-10T06:00:00.000Z",
    finished_at: "2024-06-10T06:00:01.000Z",
    deadline_at: "2024-06-10T06:05:00.000Z",
    progress: { phases_completed: ["planning", "execution", "feedback"], steps: 9 },
    reasoner: "offline",
    data_source: "demo",
    usage: {
      llm_calls: 0,
      prompt_tokens: 0,
      cached_prompt_tokens: 0,
      completion_tokens: 0,
      datadog_calls: 0,
      cache_hits: 0,
      cost_usd: 0,
    },
    monitor_id: null,
    alert: null,
    result: {
      answer_markdown: "## checkout: p95 latency stepped up after the 09:12 deploy\n\nDetails…",
      direct_answer: "",
      summary: "",
      sections: [],
      findings_used: [],
      recommendations: [],
      confidence: 0.82,
      findings: [],
      reasoner: "offline",
      data_source: "demo",
      missing_data: [],
      window: { start: "", end: "", label: "1 hour" },
      ...result,
    },
    error: null,
    links: { self: "/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz", trace: "/jobs/x/trace", events: "/jobs/x/events" },
  };
}

describe("the Slack message of a job", () => {
  it("leads with the answer's headline, then findings, confidence and the job link", () => {
    const message = slackMessage(view({ findings: [finding(1)] }), "https://orch.example.com/");
    expect(message.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "context"]);
    expect(JSON.stringify(message.blocks[1])).toContain("p95 latency stepped up after the 09:12 deploy");
    expect(JSON.stringify(message.blocks[2])).toContain("&lt;script&gt; &amp;");
    expect(JSON.stringify(message.blocks[3])).toContain("Confidence 0.82");
    expect(JSON.stringify(message.blocks[3])).toContain(
      "<https://orch.example.com/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz|job",
    );
  });

  it("uses the short answer and each finding's state when the result has them", () => {
    const withShortForm = view({
      direct_answer: "Yes: checkout is slower since the 09:12 deploy.",
      findings: [{ ...finding(1), state: "recovered" }],
    });
    expect(headlineOf(withShortForm)).toBe("Yes: checkout is slower since the 09:12 deploy.");
    expect(JSON.stringify(slackMessage(withShortForm).blocks[2])).toContain("*critical, recovered*");
  });

  it("stays within Slack's limits however long the answer", () => {
    const long = view({
      answer_markdown: `# ${"word ".repeat(2000)}`,
      findings: Array.from({ length: 40 }, (_, i) => finding(i)),
    });
    const message = slackMessage(long);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    for (const block of message.blocks) {
      if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
      if (block.type === "section") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    }
    expect(JSON.stringify(message.blocks[2])).toContain("35 more in the job");
  });
});
