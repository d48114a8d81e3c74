import { technologyNames } from "../catalog/integration-catalog.js";
import { classifyMetric, type SignalKind } from "../metric-catalog.js";
import type { Intent } from "../plan.js";
import type { ConversationMessage } from "../ports.js";
import { readQuestion } from "./question-spelling.js";

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
  const text = readQuestion(question);
  return KIND_WORDS.map(([kind, re]) => ({ kind, at: text.search(re) }))
    .filter((k) => k.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((k) => k.kind);
}

function scoreIntents(text: string): Record<Exclude<Intent, "health">, number> {
  const lower = readQuestion(text);
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

/** Whether a question reads as a follow-up of the previous one ("and memory?", "what about errors?"). */
export function isFollowUp(question: string): boolean {
  const text = question.trim().toLowerCase();
  return /^(and|also|what about|how about|same for|now)\b/.test(text) || text.split(/\s+/).length <= 4;
}

const DAY_MS = 86_400_000;

/** Problems that develop over hours or days, what the answer calls them, and the window that shows them. */
const SLOW_PROBLEMS: ReadonlyArray<readonly [RegExp, string, number]> = [
  [/\b(leak(s|ing|ed)?|oom\w*|out of memory)\b/, "a memory leak", 3 * DAY_MS],
  [
    /\b(memory|mem|heap|rss|ram|working set)\b[^.?!]{0,40}\b(grow\w*|creep\w*|increas\w*|climb\w*|ris(e|es|ing)|keeps?|go(es|ing)? up|went up|balloon\w*|bloat\w*|swell\w*|accumulat\w*|build(s|ing)? up)\b|\b(grow\w*|creep\w*|increas\w*|climb\w*|rising|balloon\w*|bloat\w*|swell\w*|more and more|ever more|(us|eat|tak|hogg)(e|es|ing) more)\b[^.?!]{0,20}\b(memory|mem|heap|rss|ram)\b/,
    "memory growth",
    3 * DAY_MS,
  ],
  // What holds memory, growing: "is the container growing?", "the jvm keeps ballooning".
  [
    /\b(containers?|process(es)?|pods?|jvms?|workers?)\b[^.?!]{0,30}\b(grow\w*|balloon\w*|bloat\w*|swell\w*|getting (bigger|larger|fatter))\b/,
    "memory growth",
    3 * DAY_MS,
  ],
  [
    /\b(disk|storage|volume|filesystem|inodes?)\b[^.?!]{0,40}\b(fill\w*|full|grow\w*|space|running out|left)\b|\bfill(s|ing)? up\b|\b(disk|storage|volume|filesystem|inodes?)\b/,
    "a filling disk",
    7 * DAY_MS,
  ],
  [
    /\b(capacity|headroom|predict\w*|forecast\w*|scaling needs|run(ning)? out)\b/,
    "a capacity trend",
    7 * DAY_MS,
  ],
  [/\b(trends?|over time|gradual(ly)?|slowly)\b/, "a trend", 7 * DAY_MS],
];

/**
 * A question about memory and nothing else ("payments memory", "how is the heap on ledger?"):
 * memory moves over hours, so a day shows its course; execution widens further when it climbs
 * all day (widen-window.ts).
 */
const MEMORY_ONLY: SlowProblem = { words: "memory use", windowMs: DAY_MS };

/** A slow-developing problem a question asks about, in words, with the window that shows it. */
export interface SlowProblem {
  readonly words: string;
  readonly windowMs: number;
}

/**
 * The slow-developing problem a question asks about (memory growth or a leak, a filling disk,
 * capacity, a trend), or undefined: such problems need days of data, not the default hour, to
 * be seen at all — a disk that fills in three days looks flat in one hour.
 */
export function slowProblemOf(question: string, available: readonly string[] = []): SlowProblem | undefined {
  const text = readQuestion(question);
  const found = SLOW_PROBLEMS.find(([re]) => re.test(text));
  if (found) return { words: found[1], windowMs: found[2] };
  const kinds = mentionedKinds(question);
  if (kinds.length === 1 && kinds[0] === "memory") return MEMORY_ONLY;
  if (kinds.length === 0 && GROWING.test(text) && namesWhatHoldsMemory(text, available))
    return { words: "memory growth", windowMs: 3 * DAY_MS };
  return undefined;
}

/** Said of a thing that holds memory, these mean it holds more and more of it. */
const GROWING = /\b(grow\w*|balloon\w*|bloat\w*|swell\w*|getting (bigger|larger|fatter))\b/;

/**
 * Whether the question names, by its integration's name or the start of it ("mongod",
 * "elasticsearch"), something whose memory the service reports: "is mongod growing?" asks
 * about mongodb.mem.resident, though it says no "memory".
 */
function namesWhatHoldsMemory(text: string, available: readonly string[]): boolean {
  const holders = [
    ...new Set(
      available
        .filter((m) => classifyMetric(m)?.kind === "memory")
        .map((m) => m.toLowerCase().split(".")[0] ?? "")
        .filter((ns) => ns.length >= 4),
    ),
  ];
  const words = text.match(/[a-z][a-z0-9_]{3,}/g) ?? [];
  return words.some((w) => holders.some((ns) => ns.startsWith(w)));
}

/** Hyphenated English words that are no service names. */
const COMMON_COMPOUNDS =
  /^(out-of-\w+|real-time|follow-ups?|long-term|short-term|day-to-day|up-to-date|end-to-end|built-in|read-only|time-to-\w+|well-known|on-call|on-prem\w*|off-heap|in-memory|opt-\w+|x-ray|e-mail|check-\w+|sign-\w+|log-\w+|roll-\w+|rate-limit\w*|per-\w+|non-\w+|re-\w+|self-\w+|multi-\w+|pre-\w+|post-\w+|anti-\w+|co-\w+|cross-\w+|sub-\w+|over-\w+|under-\w+|de-\w+|p\d\d|\d+-\w+|\w+-(based|related|wide|level|side|like|free|heavy|bound|driven|aware|specific|facing))$/;

const NOT_A_NAME = new Set([
  "the",
  "this",
  "that",
  "my",
  "our",
  "your",
  "their",
  "same",
  "other",
  "each",
  "every",
  "which",
  "whole",
  "entire",
  "a",
  "one",
  "web",
  "backend",
  "frontend",
  "any",
  "all",
  "its",
  "his",
  "her",
  "new",
  "old",
  "for",
  "in",
  "on",
  "of",
  "to",
  "with",
  "from",
  "by",
  "at",
  "and",
  "or",
  "is",
  "the whole",
]);

/**
 * Services other than `own` that a question names ("compare api-gateway with payments",
 * "service:billing", "the checkout service"): a job reads only its own service, and its answer
 * says so rather than silently answering about one service for another.
 */
export function mentionedServices(question: string, own: string): string[] {
  const text = question.toLowerCase();
  const self = own.toLowerCase();
  const found: string[] = [];
  const add = (name: string | undefined): void => {
    const n = (name ?? "").replace(/[.,;:!?'")]+$/, "");
    if (!n || n === self || NOT_A_NAME.has(n) || found.includes(n) || n.includes(".")) return;
    // A technology's name ("php-fpm", "kube_apiserver") says what the service runs on.
    if (technologyNames().has(n.replace(/-/g, "_"))) return;
    found.push(n);
  };
  for (const m of text.matchAll(/\bservice\s*[:=]\s*([a-z0-9][a-z0-9._/-]*)/g)) add(m[1]);
  for (const m of text.matchAll(/\b([a-z0-9][a-z0-9_-]*)\s+(?:service|svc|microservice)\b(?!\s*[:=])/g))
    add(m[1]);
  for (const m of text.matchAll(/(?<![\w.:/-])([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+)(?![\w.:/-])/g)) {
    const name = m[1] ?? "";
    if (!COMMON_COMPOUNDS.test(name)) add(name);
  }
  return found;
}
