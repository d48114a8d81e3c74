import type { SignalKind } from "../metric-catalog.js";
import type { Intent } from "../plan.js";
import type { ConversationMessage } from "../ports.js";

const INTENT_WORDS: Readonly<Record<Exclude<Intent, "health">, readonly RegExp[]>> = {
  errors: [
    /\b5\d\d\b/,
    /\b5xx\b/,
    /\berrors?\b/,
    /\bexceptions?\b/,
    /\bfail(ing|ures?|ed|s)?\b/,
    /\bcrash(es|ing|ed)?\b/,
    /\bbroken\b/,
    /\boutage\b/,
    /\bdown\b/,
    /\bbad gateway\b/,
    /\bincident\b/,
  ],
  performance: [
    /\bslow(er|ness|ly)?\b/,
    /\blatenc(y|ies)\b/,
    /\bp(50|90|95|99)\b/,
    /\bresponse times?\b/,
    /\bbottlenecks?\b/,
    /\bperformance\b/,
    /\btime ?outs?\b/,
    /\bsluggish\b/,
    /\bdegrad(ed|ation)\b/,
    /\bthroughput\b/,
  ],
  capacity: [
    /\bcapacity\b/,
    /\bscal(e|ing)\b/,
    /\butili[sz]ation\b/,
    /\bresources?\b/,
    /\bpredict\b/,
    /\bforecast\b/,
    /\bheadroom\b/,
    /\bsaturat(ed|ion|ing)\b/,
    /\bleak(s|ing)?\b/,
    /\boom\b/,
    /\bout of memory\b/,
    /\bdisk (space|full)\b/,
    /\bprovision/,
  ],
};

const KIND_WORDS: ReadonlyArray<readonly [SignalKind, RegExp]> = [
  ["cpu", /\b(cpu|processor|load average|compute)\b/],
  ["memory", /\b(memory|mem|ram|heap|leak(s|ing)?|oom|rss)\b/],
  ["disk", /\b(disk|storage|volume|inodes?|filesystem|i\/o)\b/],
  ["network", /\b(network|bandwidth|packets?|egress|ingress)\b/],
  ["latency", /\b(latency|slow(er)?|response times?|p(50|90|95|99)|duration)\b/],
  ["errors", /\b(errors?|5xx|5\d\d|exceptions?|failures?)\b/],
  ["requests", /\b(traffic|requests?|throughput|rps|qps|load)\b/],
  ["saturation", /\b(connections?|pool|queue|backlog|lag|threads?|saturat\w*)\b/],
  ["gc", /\b(gc|garbage collect\w*)\b/],
  ["restarts", /\b(restarts?|crash(es|looping)?|oomkill\w*)\b/],
];

/** Signal kinds the question names explicitly ("CPU and memory"), in order of appearance. */
export function mentionedKinds(question: string): SignalKind[] {
  const text = question.toLowerCase();
  return KIND_WORDS.map(([kind, re]) => ({ kind, at: text.search(re) }))
    .filter((k) => k.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((k) => k.kind);
}

function scoreIntents(text: string): Record<Exclude<Intent, "health">, number> {
  const lower = text.toLowerCase();
  const score = (res: readonly RegExp[]) => res.reduce((n, re) => n + (re.test(lower) ? 1 : 0), 0);
  return {
    errors: score(INTENT_WORDS.errors),
    performance: score(INTENT_WORDS.performance),
    capacity: score(INTENT_WORDS.capacity),
  };
}

function best(scores: Record<Exclude<Intent, "health">, number>): Intent | undefined {
  const ranked = (Object.entries(scores) as Array<[Exclude<Intent, "health">, number]>).sort(
    (a, b) => b[1] - a[1],
  );
  const [first, second] = ranked;
  if (!first || first[1] === 0) return undefined;
  if (second && second[1] === first[1]) return "health";
  return first[0];
}

/**
 * Classifies a question as performance, errors, capacity or general health. A short follow-up
 * with no intent of its own ("and memory?") inherits the intent of the session's last question.
 */
export function classifyIntent(question: string, history: readonly ConversationMessage[] = []): Intent {
  const own = best(scoreIntents(question));
  if (own) return own;
  const kinds = mentionedKinds(question);
  if (kinds.some((k) => k === "cpu" || k === "memory" || k === "disk" || k === "saturation"))
    return "capacity";
  if (kinds.includes("latency")) return "performance";
  if (kinds.includes("errors")) return "errors";
  const previous = [...history].reverse().find((m) => m.role === "user");
  if (previous && question.trim().split(/\s+/).length <= 6) {
    return best(scoreIntents(previous.content)) ?? "health";
  }
  return "health";
}
