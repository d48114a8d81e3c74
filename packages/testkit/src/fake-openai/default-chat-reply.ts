import { lastUserText, type FakeChatRequest } from "./chat-request.js";
import type { ConcreteReply } from "./fake-reply.js";

const KINDS: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/\b(5xx|errors?|fail\w*|exceptions?)\b/i, /(error|5xx|fail|exception)/],
  [
    /\b(latency|slow|duration|response time|p9\d|performance)\b/i,
    /(duration|latency|response_time|\.95p|\.99p)/,
  ],
  [/\b(cpu|processor)\b/i, /cpu/],
  [/\b(memory|mem|heap|leak\w*|oom)\b/i, /(mem|heap|rss)/],
  [/\b(disk|storage)\b/i, /disk/],
  [/\b(traffic|throughput|requests?)\b/i, /(hits|request_count|requests)/],
];

function questionOf(text: string): string {
  return /Question:\s*"""([\s\S]*?)"""/.exec(text)?.[1] ?? text;
}

/** Metric names offered in a prompt: "- name" list items, else any dotted metric-like word. */
function metricNamesIn(text: string): string[] {
  const listed = [...text.matchAll(/^\s*-\s+([a-zA-Z][a-zA-Z0-9_.]*\.[a-zA-Z0-9_.]+)/gm)].map(
    (m) => m[1] ?? "",
  );
  if (listed.length > 0) return [...new Set(listed)];
  return [...new Set(text.match(/\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+){1,}\b/g) ?? [])];
}

function intentOf(question: string): string {
  if (/\b(5xx|errors?|fail\w*|exceptions?)\b/i.test(question)) return "errors";
  if (/\b(latency|slow|performance|duration)\b/i.test(question)) return "performance";
  if (/\b(capacity|cpu|memory|disk|scale)\b/i.test(question)) return "capacity";
  return "health";
}

/** A schema-valid plan for the question in the prompt, reading metrics the prompt lists. */
export function defaultPlan(request: FakeChatRequest): Record<string, unknown> {
  const text = lastUserText(request);
  const question = questionOf(text);
  const names = metricNamesIn(text.replace(/Question:\s*"""[\s\S]*?"""/, ""));
  const wanted = KINDS.filter(([q]) => q.test(question)).map(([, m]) => m);
  const relevant = names.filter((n) => wanted.some((re) => re.test(n)));
  const picked = [...new Set([...relevant, ...names])].slice(0, 3);
  const maxSteps = Number(/at most (\d+) steps/i.exec(text)?.[1] ?? 10);
  const intent = intentOf(question);
  const steps: Array<Record<string, unknown>> = picked.map((metric) => {
    const counter = /(error|hits|count|5xx|requests)/.test(metric);
    return {
      tool: "metrics",
      metric,
      aggregator: counter ? "sum" : "avg",
      by: [],
      as_count: counter,
      reason: `the ${metric} signal`,
    };
  });
  steps.push({ tool: "monitors", reason: "alerting monitors" }, { tool: "events", reason: "recent deploys" });
  if (intent === "errors") steps.push({ tool: "logs", filter: "status:error", reason: "error messages" });
  return {
    intent,
    rationale: `Read ${picked.length} metric(s) the service reports that bear on the question, plus monitors and events.`,
    steps: steps.slice(0, Math.max(1, maxSteps)),
  };
}

/** A schema-valid answer citing the finding ids the prompt lists. */
export function defaultAnswer(request: FakeChatRequest): Record<string, unknown> {
  const text = lastUserText(request);
  const ids = (/^Finding ids:\s*(.+)$/m.exec(text)?.[1] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s !== "none");
  const question = questionOf(text).trim();
  return {
    answer_markdown:
      ids.length > 0
        ? `**Answer (fake model):** the data points at ${ids.map((id) => `\`${id}\``).join(", ")} for "${question}".`
        : `**Answer (fake model):** nothing abnormal shows in the data for "${question}".`,
    findings_used: ids.slice(0, 3),
    recommendations:
      ids.length > 0 ? ["Check the most recent deploy", "Watch the error rate for 15 minutes"] : [],
    confidence: 0.8,
  };
}

/** A schema-valid drill-down pick: the first options of the menu the schema enumerates, up to its limit. */
export function defaultDrillDown(request: FakeChatRequest): Record<string, unknown> {
  const schema = request.response_format?.json_schema?.schema as
    { properties?: { picks?: { maxItems?: number; items?: { enum?: unknown[] } } } } | undefined;
  const picks = schema?.properties?.picks;
  const options = (picks?.items?.enum ?? []).filter((o): o is string => typeof o === "string");
  return {
    picks: options.slice(0, Math.min(2, picks?.maxItems ?? 2)),
    reason: "the first breakdowns offered (fake model)",
  };
}

/**
 * What the fake answers when nothing is scripted: a plan or an answer derived from the request
 * for our schemas, a call to the first tool when tools are offered, else plain text.
 */
export function defaultChatReply(request: FakeChatRequest): ConcreteReply {
  const format = request.response_format;
  const name = format?.json_schema?.name;
  if (format?.type === "json_schema" && name === "plan")
    return { kind: "content", content: JSON.stringify(defaultPlan(request)) };
  if (format?.type === "json_schema" && name === "drill_down")
    return { kind: "content", content: JSON.stringify(defaultDrillDown(request)) };
  if (format?.type === "json_schema" && name === "answer") {
    return { kind: "content", content: JSON.stringify(defaultAnswer(request)) };
  }
  if (request.tools && request.tools.length > 0 && request.tool_choice !== "none") {
    const choice = request.tool_choice;
    const named =
      typeof choice === "object" && choice !== null && "function" in choice
        ? (choice.function as { name?: unknown }).name
        : undefined;
    const tool = typeof named === "string" ? named : (request.tools[0]?.function.name ?? "tool");
    return { kind: "tool_calls", calls: [{ name: tool, arguments: "{}" }] };
  }
  if (format?.type === "json_schema" || format?.type === "json_object")
    return { kind: "content", content: "{}" };
  return { kind: "content", content: "OK (fake model)." };
}
