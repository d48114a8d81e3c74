import { parseScenario, type Scenario } from "@orch/core";
import { startFakeOpenAI } from "@orch/testkit";
import { startEvalStack } from "./eval/eval-stack.js";

const ENDPOINTS = ["GET /cart", "POST /charge", "GET /search", "POST /login"];
function slowEndpoint(service: string): Scenario {
  return parseScenario({
    id: "slow", service, question: "q", window: "2h",
    series: ENDPOINTS.flatMap((e) => [
      { metric: "trace.http.request.hits", baseline: 300, noise: 0.05, integer: true, metric_type: "count", group: [`resource_name:${e}`] },
      { metric: "trace.http.request.errors", baseline: 0.5, noise: 0.3, integer: true, metric_type: "count", group: [`resource_name:${e}`] },
      { metric: "trace.http.request.duration.by.service.95p", baseline: 0.12, noise: 0.05, unit: "second", metric_type: "gauge", group: [`resource_name:${e}`],
        incidents: e === "GET /search" ? [{ type: "step", start: "-50m", factor: 5 }] : [] },
    ]),
  });
}
function deploy5xx(service: string): Scenario {
  const versions = ["v2.13.2", "v2.14.0"];
  return parseScenario({
    id: "deploy", service, question: "q", window: "2h",
    series: versions.flatMap((v) => [
      { metric: "trace.http.request.hits", baseline: 600, noise: 0.05, integer: true, metric_type: "count", group: [`version:${v}`],
        incidents: [v === "v2.14.0" ? { type: "nodata", start: "-130m", end: "-40m" } : { type: "nodata", start: "-40m", end: "0" }] },
      { metric: "trace.http.request.errors", baseline: 2, noise: 0.2, integer: true, metric_type: "count", group: [`version:${v}`],
        incidents: v === "v2.14.0" ? [{ type: "nodata", start: "-130m", end: "-40m" }, { type: "step", start: "-38m", to: 90 }] : [{ type: "nodata", start: "-40m", end: "0" }] },
      { metric: "trace.http.request.duration.by.service.95p", baseline: 0.15, noise: 0.05, unit: "second", metric_type: "gauge", group: [`version:${v}`] },
    ]),
    events: [{ title: "Deployed payments v2.14.0", at: "-40m", type: "deploy", tags: ["version:v2.14.0"] }],
  });
}
const openai = await startFakeOpenAI();
const anchor = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
const stack = await startEvalStack({
  scenarioFor: (s) => (s.startsWith("payments") ? deploy5xx(s) : slowEndpoint(s)),
  anchor: () => anchor,
  openai: { apiKey: openai.apiKey, baseUrl: openai.url },
});
for (const reasoner of ["offline", "auto"] as const) {
  for (const [service, question] of [["checkout", "Which endpoint is slow on checkout?"], ["payments", "Why are 5xx errors up on payments since the deploy?"]] as const) {
    const res = await stack.post("/jobs", { service_id: `${service}-${reasoner}`, user_message: question, options: { timeframe: "2h", reasoner } });
    const { job_id } = (await res.json()) as { job_id: string };
    let view: { status: string; round: number; reasoner: string; result: { answer_markdown: string; direct_answer: string; confidence: number } };
    do view = (await (await stack.get(`/jobs/${job_id}?wait=30`)).json()) as typeof view;
    while (!["completed", "failed", "cancelled"].includes(view.status));
    const trace = (await (await stack.get(`/jobs/${job_id}/trace`)).json()) as { steps: Array<{ name: string; phase: string; round?: number; summary: string }> };
    process.stdout.write(`\n\n===== ${reasoner} (${view.reasoner}) — "${question}" — status ${view.status}, round ${view.round}, confidence ${view.result?.confidence}\n`);
    process.stdout.write(`direct_answer: ${view.result?.direct_answer}\n\n${view.result?.answer_markdown}\n`);
    process.stdout.write(`\n-- drill steps:\n${trace.steps.filter((s) => s.round || /drill|metric_tags|localise/.test(s.name)).map((s) => `  [${s.phase}${s.round ? ` r${s.round}` : ""}] ${s.name}: ${s.summary}`).join("\n")}\n`);
  }
}
await stack.close();
await openai.close();
