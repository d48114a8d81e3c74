import type { SeriesStats } from "../analysis-result.js";
import { rootCauseOf } from "../analysis/causal-links.js";
import type { Evidence } from "../evidence.js";
import type { Finding } from "../finding.js";
import { formatTime } from "../analysis/format-value.js";
import type { SignalKind } from "../metric-catalog.js";
import type { AnswerInput } from "../ports.js";
import { capitalise, leadPhrase, subjectOf } from "./lead-phrase.js";
import { failedReads, findingIsAbout } from "./named-signal-lines.js";
import { questionShape, type QuestionShape } from "./question-shape.js";
import { silentWith } from "./silence.js";
import { isFollowUp } from "../planner/classify-question.js";
import { spellQuestion } from "../planner/question-spelling.js";
import { withoutService } from "../planner/question-terms.js";

/**
 * The one or two sentences that answer the question asked, before any evidence: yes or no for
 * a yes/no question ("No — CPU on web-app has been saturated since 00:28 UTC (100% now)"), the
 * cause for a why, the present state of the service otherwise — or "nothing abnormal" with what
 * was checked. Built only from computed findings, in the present tense of their state.
 */

export interface DirectAnswer {
  readonly text: string;
  /** The finding the answer leads with (the root cause of the top finding about the question). */
  readonly focus?: Finding;
  /** Findings the first sentences already told (the focus and its chain). */
  readonly told: readonly string[];
}

const KIND_WORDS: Readonly<Record<SignalKind, string>> = {
  cpu: "CPU",
  memory: "memory",
  disk: "disk",
  network: "the network",
  latency: "latency",
  errors: "errors",
  requests: "traffic",
  saturation: "saturation (pools, queues, threads)",
  gc: "garbage collection",
  restarts: "restarts",
};

/** What a question is about, in words: "CPU and memory", "locks", else "the service". */
function subjectWords(shape: QuestionShape): string {
  const words = [...shape.kinds.map((k) => KIND_WORDS[k]), ...shape.concepts.filter((c) => c !== "full")];
  const unique = [...new Set(words)];
  if (unique.length === 0) return "the service";
  return unique.length === 1
    ? (unique[0] ?? "")
    : `${unique.slice(0, -1).join(", ")} and ${unique[unique.length - 1] ?? ""}`;
}

/**
 * Whether a finding shows a concept the question asks about, whatever its metric is named:
 * "full" by anything running out of room (a capacity projection, or saturation moving the bad
 * way: space left falling, evictions, waiting clients, a pool filling, a limit near); "cache" by
 * a cache integration's series or its evictions.
 */
function showsConcept(f: Finding, concept: string): boolean {
  if (concept === "full") return f.category === "capacity" || f.category === "saturation";
  if (concept === "cache") return CACHE_METRIC.test(f.metric.toLowerCase());
  return false;
}

/** Whether the question names the integration a finding's metric comes from ("is pgbouncer maxed out?", "is mongo ok?"). */
function namesNamespace(f: Finding, words: readonly string[]): boolean {
  const namespace = f.metric.toLowerCase().split(".")[0] ?? "";
  if (namespace.length < 3 || namespace === f.metric.toLowerCase()) return false;
  return words.some((w) => w === namespace || (w.length >= 5 && namespace.startsWith(w)));
}

/** A cache's own series: a cache integration's namespace or its evictions. */
const CACHE_METRIC =
  /^(redis|memcache|memcached|varnish|elasticache|aws\.elasticache|couchbase|hazelcast|ehcache)\.|(cache|evict|nuked)/;

/** Whether a finding is about what the question names (its signal kinds or concepts). */
function isAbout(
  f: Finding,
  shape: QuestionShape,
  readForQuestion: ReadonlySet<string>,
  words: readonly string[],
): boolean {
  if (shape.kinds.some((k) => findingIsAbout(f, k))) return true;
  if (readForQuestion.has(f.metric)) return true;
  if (namesNamespace(f, words)) return true;
  // "Is it full?", "maxed out?": whatever shows room running out answers it, whatever it is named.
  return shape.concepts.some((c) => showsConcept(f, c));
}

/** What was checked, for an all-clear: "7 series (latency, errors, traffic, CPU), 4 monitors (none alerting), no deploys". */
function checkedPhrase(stats: readonly SeriesStats[], evidence: Evidence): string {
  const read = stats.filter((s) => s.count > 0);
  const kinds = [...new Set(read.map((s) => s.kind).filter((k): k is SignalKind => k !== undefined))].map(
    (k) => KIND_WORDS[k],
  );
  const parts =
    read.length > 0
      ? [
          `${read.length} series${kinds.length > 0 ? ` (${kinds.join(", ")})` : ""} stayed in their usual range`,
        ]
      : ["no series of it was reported"];
  for (const r of evidence.results) {
    if (r.status !== "ok") continue;
    if (r.tool === "monitors") {
      const alerting = r.monitors.filter((m) => m.state === "Alert" || m.state === "Warn").length;
      if (r.monitors.length > 0)
        parts.push(`${r.monitors.length} monitor(s) checked${alerting === 0 ? ", none alerting" : ""}`);
    }
    if (r.tool === "events") {
      const deploys = r.events.filter((e) => e.type === "deploy").length;
      parts.push(deploys === 0 ? "no deploys" : `${deploys} deploy(s), none followed by trouble`);
    }
  }
  return parts.join("; ");
}

/** Findings told by a series of their own come before logs, monitors and deploys that corroborate them. */
const SECONDARY = new Set(["logs", "monitors", "events"]);
function bySource(a: Finding, b: Finding): number {
  return Number(SECONDARY.has(a.metric)) - Number(SECONDARY.has(b.metric));
}

/** "Y has been up since … (numbers); it began 14 min after CPU saturated." — the chain from the focus, said once. */
function chainSentence(
  focus: Finding,
  findings: readonly Finding[],
  windowMs: number,
): { text: string; told: string[] } {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const effects = (focus.explains ?? [])
    .map((id) => byId.get(id))
    .filter((f): f is Finding => f !== undefined)
    .sort(bySource);
  if (effects.length === 0) return { text: "", told: [] };
  const first = effects[0] as Finding;
  const series = effects.slice(1).filter((f) => !SECONDARY.has(f.metric));
  const more = series.length > 0 ? `, and so has ${series.map(subjectOf).join(", ")}` : "";
  const reason = first.cause_reason ? `; ${first.cause_reason}` : "";
  return {
    text: `${capitalise(leadPhrase(first, windowMs))}${more}${reason}.`,
    told: effects.map((f) => f.id),
  };
}

/** The cause in a "because" clause: "of the deploy "v2.14" at 14:02 UTC", or its lead phrase. */
function becausePhrase(root: Finding, windowMs: number): string {
  if (root.metric === "events") {
    const delay = root.evidence.delay_min;
    return `of ${subjectOf(root)} at ${formatTime(root.window.start, windowMs)}${typeof delay === "number" ? `, ${delay < 1 ? "right" : `${delay} min`} before it began` : ""}`;
  }
  return leadPhrase(root, windowMs, { numbers: false });
}

/** " The dip in … at … is the same as last Sunday: a regular weekly pattern." — what history explained, for an all-clear. */
function rhythmNote(findings: readonly Finding[], windowMs: number): string {
  const rhythm = findings.find(
    (f) =>
      f.severity === "info" &&
      typeof f.evidence.history === "string" &&
      f.evidence.history.startsWith("same as"),
  );
  if (!rhythm) return "";
  const like = String(rhythm.evidence.history).replace(/^same as /, "");
  const at = typeof rhythm.evidence.rhythm_at === "number" ? rhythm.evidence.rhythm_at : rhythm.window.start;
  const kind = typeof rhythm.evidence.rhythm === "string" ? `${rhythm.evidence.rhythm} ` : "";
  return ` The ${rhythm.evidence.anomaly === "drop" || rhythm.evidence.anomaly === "dip" ? "dip" : "change"} in ${subjectOf(rhythm)} at ${formatTime(at, windowMs)} is the same as ${like}: a regular ${kind}pattern, not an incident.`;
}

/** " `x_total` is a running counter …; it restarted … which is no drop." — for counters that reset. */
function counterNote(stats: readonly SeriesStats[]): string {
  const reset = stats.find((s) => s.derived?.includes("restarted") === true);
  return reset ? ` \`${reset.metric}\` is ${reset.derived ?? ""}.` : "";
}

/** The direct answer to the question, from the analysis. */
export function directAnswer(input: AnswerInput): DirectAnswer {
  const { analysis, plan, evidence, scope } = input;
  const window = evidence.window;
  const windowMs = window.end - window.start;
  const service = scope.service_id;
  const shape = questionShape(input.question, scope.service_id);
  const significant = analysis.findings.filter((f) => f.severity !== "info");
  const hasData = analysis.stats.some((s) => s.count > 0);
  const readForQuestion = new Set(plan.coverage?.read_for_question ?? []);
  const words = spellQuestion(withoutService(input.question, service)).match(/[a-z][a-z0-9_]+/g) ?? [];
  // A concept the metric names did not match is still settled by a finding that shows it.
  const settles = (concept: string) =>
    analysis.findings.some((f) => f.severity !== "info" && showsConcept(f, concept));
  const unsettled = (plan.coverage?.unmatched ?? []).filter((c) => !settles(c));
  const tail =
    unsettled.length > 0
      ? ` The service reports no metric about ${unsettled.join(" or ")}, so that part is not answered.`
      : "";

  if (!hasData && significant.length === 0) {
    const reads = plan.steps.filter((s) => s.tool === "metrics").length;
    return {
      text: `I could not tell: none of the ${reads} metric read(s) returned data for ${service} in the ${window.label}, so the absence of findings says nothing about its health.${tail}`,
      told: [],
    };
  }
  // A signal the question names whose every read failed cannot be called normal, nor absent.
  const failed = failedReads(evidence);
  const unread = shape.kinds.flatMap((k) => {
    const failure = failed.get(k);
    const read = analysis.stats.some((st) => st.kind === k && st.count > 0);
    return failure && !read && !significant.some((f) => findingIsAbout(f, k))
      ? [{ kind: k, ...failure }]
      : [];
  });
  if (unread.length > 0 && unread.length === shape.kinds.length && shape.concepts.length === 0) {
    const reads = unread.map((u) => `the read of \`${u.metric}\` failed (${u.code})`).join(" and ");
    const elsewhere = significant[0] ? ` Elsewhere: ${leadPhrase(significant[0], windowMs)}.` : "";
    return {
      text: `I could not tell: ${reads}, so nothing can be said of ${unread.map((u) => KIND_WORDS[u.kind]).join(" or ")} on ${service}.${elsewhere}${tail}`,
      told: significant[0] ? [significant[0].id] : [],
    };
  }
  // A signal the question names outranks a metric read for a concept it implies; series outrank corroboration.
  const namesKind = (f: Finding): number => Number(!shape.kinds.some((k) => findingIsAbout(f, k)));
  const about = significant
    .filter((f) => isAbout(f, shape, readForQuestion, words))
    .sort((a, b) => namesKind(a) - namesKind(b) || bySource(a, b));
  const top = about[0] ?? significant[0];
  const on = `on ${service}`;

  if (shape.form === "yes_no") {
    const named = shape.kinds.length > 0 || shape.concepts.length > 0;
    const focus = named ? about[0] : significant[0];
    if (focus) {
      // "Is it back to normal?" when all it shows is over: yes, now — and what it was.
      const over = (named ? about : significant).every((f) => f.state === "recovered");
      const word = shape.yesMeans === "healthy" ? (over ? "Yes, now" : "No") : "Yes";
      const chain = chainSentence(focus, analysis.findings, windowMs);
      const together = silentWith(focus, analysis.findings);
      return {
        text: `${word} — ${leadPhrase(focus, windowMs, { where: on, together })}.${chain.text ? ` ${chain.text}` : ""}${tail}`,
        focus,
        told: [focus.id, ...chain.told, ...together.map((f) => f.id)],
      };
    }
    const word = shape.yesMeans === "healthy" ? "Yes" : "No";
    const elsewhere = significant[0] ? ` Elsewhere: ${leadPhrase(significant[0], windowMs)}.` : "";
    return {
      text: `${word} — ${named ? subjectWords(shape) : service} ${named ? `${on} ` : ""}looks normal in the ${window.label}: ${checkedPhrase(analysis.stats, evidence)}.${counterNote(analysis.stats)}${elsewhere}${tail}`,
      told: significant[0] ? [significant[0].id] : [],
    };
  }

  // A question about something (memory, locks) that shows nothing abnormal is answered about it first.
  const named = shape.kinds.length > 0 || shape.concepts.length > 0;
  if (named && about.length === 0 && top) {
    const subject = `${subjectWords(shape)} ${on}`;
    const checked = checkedPhrase(
      analysis.stats.filter((s) => s.kind !== undefined && shape.kinds.includes(s.kind)),
      evidence,
    );
    // A follow-up about one more signal ("and memory?") is answered about it first; any other
    // question leads with the trouble that was found, then says the part asked about looks normal.
    const followUp = input.history.some((m) => m.role === "user") && isFollowUp(input.question);
    if (followUp)
      return {
        text: `Nothing abnormal in ${subject} in the ${window.label}: ${checked}. Elsewhere: ${leadPhrase(top, windowMs)}.${tail}`,
        told: [top.id],
      };
    const root = rootCauseOf(top, analysis.findings);
    return {
      text: `${capitalise(leadPhrase(root, windowMs, { where: on }))}. ${capitalise(subjectWords(shape))} itself shows nothing abnormal (${checked}).${tail}`,
      focus: root,
      told: [root.id],
    };
  }
  if (!top) {
    const subject =
      shape.kinds.length > 0 || shape.concepts.length > 0 ? `${subjectWords(shape)} ${on}` : service;
    const opener =
      shape.form === "why"
        ? `I found nothing abnormal in ${subject} to explain`
        : `Nothing abnormal in ${subject}`;
    return {
      text: `${opener} in the ${window.label}: ${checkedPhrase(analysis.stats, evidence)}.${rhythmNote(analysis.findings, windowMs)}${counterNote(analysis.stats)}${tail}`,
      told: [],
    };
  }

  const root = rootCauseOf(top, analysis.findings);
  if (shape.form === "why" && root.id !== top.id) {
    const reason = top.cause_reason && root.metric !== "events" ? `; ${top.cause_reason}` : "";
    // The cause's other effects, once: "P95 latency rose with it."
    const alsoIds = (root.explains ?? []).filter((id) => id !== top.id);
    const also = alsoIds
      .map((id) => analysis.findings.find((f) => f.id === id))
      .filter((f): f is Finding => f !== undefined && !SECONDARY.has(f.metric));
    const withIt = also.length > 0 ? ` ${capitalise(also.map(subjectOf).join(" and "))} rose with it.` : "";
    return {
      text: `${capitalise(leadPhrase(top, windowMs, { where: on }))} because ${becausePhrase(root, windowMs)}${reason}.${withIt}${tail}`,
      focus: root,
      told: [top.id, root.id, ...alsoIds],
    };
  }
  const chain = chainSentence(root, analysis.findings, windowMs);
  const unexplained =
    shape.form === "why" ? " Nothing read before it (a deploy, a dependency, a resource) explains it." : "";
  const together = silentWith(root, analysis.findings);
  return {
    text: `${capitalise(leadPhrase(root, windowMs, { where: on, together }))}.${chain.text ? ` ${chain.text}` : unexplained}${tail}`,
    focus: root,
    told: [root.id, ...chain.told, ...together.map((f) => f.id)],
  };
}
