import { isConsumedFlow } from "../analysis/zero-detections.js";
import {
  formatChange,
  formatDuration,
  formatRate,
  formatTime,
  formatValue,
  isShareUnit,
  toPoints,
} from "../analysis/format-value.js";
import type { Finding } from "../finding.js";
import { listed } from "./silence.js";

/**
 * A finding in a few words for the first sentences of an answer, in the present state: what
 * (a resource in plain words), what it does, since when, and its latest number — or, when it
 * ended, from when to when and that it is back to normal. The findings list keeps the full numbers.
 */

const num = (f: Finding, key: string): number | undefined => {
  const v = f.evidence[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
};
const str = (f: Finding, key: string): string | undefined => {
  const v = f.evidence[key];
  return typeof v === "string" ? v : undefined;
};

/** What a finding is about, as a person would name it: "CPU", "p95 latency", "the queue's consumers". */
export function subjectOf(f: Finding): string {
  const m = f.metric.toLowerCase();
  if (f.metric === "monitors") return `monitor "${str(f, "monitor") ?? "?"}"`.replace(' "?"', "");
  if (f.metric === "logs") return "error logs";
  if (f.metric === "events") return `the deploy "${str(f, "deploy_title") ?? "a deploy"}"`;
  if (/consumer/.test(m)) return "the queue's consumers";
  if (/(worker|online)/.test(m) && f.category === "availability") return "workers";
  if (/evict/.test(m)) return "evictions";
  if (/waiting/.test(m)) {
    // What waits is what the name says: clients (pgbouncer's cl_waiting), containers, queries, threads.
    if (/(cl_waiting|client)/.test(m)) return "clients waiting for a connection";
    if (/container/.test(m)) return "containers waiting to start";
    if (/quer(y|ies)/.test(m)) return "queries waiting";
    if (/thread/.test(m)) return "threads waiting";
  }
  if (/(queue|messages|backlog|ready|lag)/.test(m) && f.kind === "saturation")
    return /lag/.test(m) ? "consumer lag" : "the queue backlog";
  if (/(conn|clients|pool|sessions)/.test(m) && f.kind === "saturation")
    return str(f, "low_is_bad") === "yes" ? "free connections" : "connections";
  if (/thread/.test(m)) return "threads";
  // What is left, not what is used: a fall is the trouble ("space left in the storage").
  if (str(f, "low_is_bad") === "yes" && (f.kind === "memory" || f.kind === "disk"))
    return /space/.test(m) ? "space left" : f.kind === "disk" ? "free disk" : "free memory";
  switch (f.kind) {
    case "cpu":
      return "CPU";
    case "memory":
      return /(heap|jvm|runtime)/.test(m) ? "heap memory" : /^system\./.test(m) ? "host memory" : "memory";
    case "disk":
      return "disk";
    case "latency": {
      const p = /(p\d\d|\d\dp|\d\dpercentile)/
        .exec(m)?.[1]
        ?.replace(/^(\d\d)p$/, "p$1")
        .replace(/^(\d\d)percentile$/, "p$1");
      return p ? `${p} latency` : "latency";
    }
    case "errors":
      return /5(xx|\d\d)/.test(m) ? "5xx errors" : "errors";
    case "requests":
      return isConsumedFlow(m) ? "the work taken off the queue" : "traffic";
    case "network":
      return /(error|drop|retrans)/.test(m) ? "network errors" : "network traffic";
    case "restarts":
      return "restarts";
    case "gc":
      return "garbage collection";
    default:
      return `\`${f.metric}\``;
  }
}

/** The latest number of an ongoing finding: "87.8% now". */
function nowPart(f: Finding): string {
  const current = num(f, "current");
  return current !== undefined ? `${formatValue(current, str(f, "unit"))} now` : "";
}

function fromTo(f: Finding): string {
  const rate = num(f, "error_rate_pct");
  if (rate !== undefined) {
    const before = num(f, "baseline_error_rate_pct");
    return `error rate ${rate}%${before !== undefined ? `, was ${before}%` : ""}`;
  }
  const b = num(f, "baseline");
  const l = num(f, "level") ?? num(f, "peak");
  if (b === undefined || l === undefined) return "";
  const unit = str(f, "unit");
  return `${formatValue(b, unit)} → ${formatValue(l, unit)}, ${formatChange(b, l, unit)}`;
}

/** The used share of a finding's latest reading, when known: "93% used". */
function usedNow(f: Finding): string {
  const unit = str(f, "unit");
  const current = num(f, "current");
  if (current === undefined || !isShareUnit(unit)) return "";
  const pct = toPoints(current, unit);
  return `${Math.round(str(f, "low_is_bad") === "yes" ? 100 - pct : pct)}% used now`;
}

/** "out of memory in ~75 min", from a leak's or a trend's projection. */
function runsOut(f: Finding): string {
  const h = num(f, "projected_exhaustion_h") ?? num(f, "projected_full_h");
  return h !== undefined ? `full in ~${formatDuration(h * 3_600_000)}` : "";
}

const joined = (...parts: string[]): string => parts.filter(Boolean).join(", ");

/** What the finding's series does, as a verb phrase with its time: "has been saturated since 01:39 UTC". */
function doing(f: Finding, windowMs: number): { readonly verb: string; readonly numbers: string } {
  const at = (ms: number) => formatTime(ms, windowMs);
  const ongoing = f.state === "ongoing";
  const since = at(f.window.start);
  const until = at(f.recovered_at ?? f.window.end);
  const anomaly = str(f, "anomaly") ?? (f.metric === "monitors" ? "monitor" : "");
  const span = ongoing ? `since ${since}` : `from ${since} to ${until}`;
  const rise = (num(f, "level") ?? num(f, "peak") ?? 0) >= (num(f, "baseline") ?? 0);
  const lowIsBad = str(f, "low_is_bad") === "yes";
  const breached = str(f, "threshold_level") !== undefined;
  if (f.metric === "events") return { verb: `went out at ${since}`, numbers: "" };
  if (f.metric === "monitors")
    return { verb: `${ongoing ? "is" : "was"} in ${str(f, "state") ?? "Alert"} since ${since}`, numbers: "" };
  // A bounded resource past its threshold: CPU saturates, the rest fill up.
  if (anomaly === "threshold" || (breached && (anomaly === "ramp" || anomaly === "step"))) {
    const words = f.kind === "cpu" ? "saturated" : lowIsBad ? "nearly exhausted" : "near its limit";
    return {
      verb: `${ongoing ? "has been" : "was"} ${words} ${span}`,
      numbers: ongoing ? joined(f.kind === "cpu" ? nowPart(f) : usedNow(f) || nowPart(f), runsOut(f)) : "",
    };
  }
  switch (anomaly) {
    case "history": {
      const b = num(f, "baseline");
      const l = num(f, "level");
      const unit = str(f, "unit");
      const earlier = String(f.evidence.history ?? "").startsWith("day") ? "a day earlier" : "a week earlier";
      return {
        verb: `has been ${rise ? "above" : "below"} its usual level all window (already ${rise ? "higher" : "lower"} when the window began)`,
        numbers:
          b !== undefined && l !== undefined
            ? `${formatValue(l, unit)} against ${formatValue(b, unit)} ${earlier}`
            : "",
      };
    }
    case "leak":
      return {
        verb: `${ongoing ? "has been growing" : "grew"} steadily ${span}`,
        numbers: lowIsBad
          ? joined(usedNow(f), runsOut(f))
          : joined(
              num(f, "growth_per_hour") !== undefined
                ? formatRate(num(f, "growth_per_hour"), str(f, "unit"))
                : "",
              fromTo(f),
            ),
      };
    case "trend":
      return {
        verb: "is filling up",
        numbers: joined(num(f, "used_pct") !== undefined ? `${num(f, "used_pct")}% used` : "", runsOut(f)),
      };
    case "nodata":
      return {
        verb: ongoing ? `stopped reporting at ${since}` : `had no data from ${since} to ${until}`,
        numbers: "",
      };
    case "flatline":
      return { verb: `${ongoing ? "has been" : "was"} stuck at one value ${span}`, numbers: "" };
    case "zero":
      return {
        verb: ongoing ? `fell to 0 at ${since}` : `fell to 0 ${span}`,
        numbers:
          num(f, "baseline") !== undefined ? `from ${formatValue(num(f, "baseline"), str(f, "unit"))}` : "",
      };
    case "error_rate":
      return {
        verb: `${ongoing ? "are" : "were"} high all window long`,
        numbers: num(f, "error_rate_pct") !== undefined ? `${num(f, "error_rate_pct")}% of requests` : "",
      };
    case "spike":
    case "burst":
    case "dip":
    case "drop":
      return {
        verb: ongoing
          ? `has been ${rise ? "up" : "down"} since ${since}`
          : `${rise ? "spiked" : "dipped"} ${span}`,
        numbers: fromTo(f),
      };
    default:
      return {
        verb: ongoing
          ? `has been ${rise ? "up" : "down"} since ${since}`
          : `was ${rise ? "up" : "down"} ${span}`,
        numbers: [fromTo(f), ongoing ? nowPart(f) : ""].filter(Boolean).join("; "),
      };
  }
}

/**
 * "CPU has been saturated since 01:39 UTC (87.8% now)", "p95 latency was up from 14:05 to 14:35
 * UTC (240 ms → 580 ms, +140%); back to normal since 14:36 UTC".
 */
export function leadPhrase(
  f: Finding,
  windowMs: number,
  options: {
    readonly numbers?: boolean;
    readonly where?: string;
    /** Series that went silent with `f` (see silentWith): told as one event. */
    readonly together?: readonly Finding[];
  } = {},
): string {
  const together = options.together ?? [];
  if (together.length > 1) {
    const subjects = [...new Set(together.map(subjectOf))];
    const where = options.where ? ` ${options.where}` : "";
    return `${listed(subjects)}${where} stopped reporting together at ${formatTime(f.window.start, windowMs)} (${together.length} series)`;
  }
  const { verb, numbers } = doing(f, windowMs);
  const where = options.where ? ` ${options.where}` : "";
  const shown = options.numbers === false || numbers === "" ? "" : ` (${numbers})`;
  const back =
    f.state === "recovered" && f.recovered_at !== undefined && str(f, "anomaly") !== "deploy"
      ? `; back to normal since ${formatTime(f.recovered_at, windowMs)}`
      : "";
  const subject = subjectOf(f);
  return `${subject}${where} ${isPlural(subject) ? plural(verb) : verb}${shown}${back}`;
}

/** Subjects that take a plural verb: "errors have been up", "evictions are". */
function isPlural(subject: string): boolean {
  const head = subject.replace(/^(the|a) /, "").split(" ")[0] ?? "";
  if (/(^|\s)(latency|traffic|memory|disk|CPU|backlog|lag|collection)$/.test(subject)) return false;
  return /s$/.test(subject) || (/s$/.test(head) && !/^(the queue's)$/.test(head));
}

/** A verb phrase in the plural: "has been" → "have been", "is" → "are", "was" → "were". */
function plural(verb: string): string {
  return verb
    .replace(/^has\b/, "have")
    .replace(/^is\b/, "are")
    .replace(/^was\b/, "were")
    .replace(/\bits\b/g, "their");
}

/** The first letter in upper case. */
export function capitalise(text: string): string {
  return text.length > 0 ? `${text[0]?.toUpperCase() ?? ""}${text.slice(1)}` : text;
}
