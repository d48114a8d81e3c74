import type { SeriesStats } from "../analysis-result.js";
import type { Series } from "../evidence.js";
import type { Finding } from "../finding.js";
import { classifyMetric, type SignalKind } from "../metric-catalog.js";

/** A series with what the formatter knows about it, in relevance order. */
export interface RankedSeries {
  readonly series: Series;
  readonly label: string;
  readonly kind?: SignalKind;
  readonly stats?: SeriesStats;
  readonly findings: readonly Finding[];
  /** A finding rests on exactly this series (it names the series' group, or the series is ungrouped). */
  readonly focus: boolean;
  readonly score: number;
}

const QUESTION_KINDS: ReadonlyArray<readonly [RegExp, readonly SignalKind[]]> = [
  [/\b(5xx|4xx|errors?|fail\w*|exceptions?|crash\w*)\b/, ["errors"]],
  [/\b(latency|slow\w*|duration|response times?|p9\d|performance)\b/, ["latency"]],
  [/\b(traffic|throughput|requests?|rps|qps|load)\b/, ["requests"]],
  [/\b(cpu|processor|throttl\w*)\b/, ["cpu"]],
  [/\b(memory|mem|heap|oom|leak\w*|rss)\b/, ["memory", "gc"]],
  [/\b(disk|storage|inodes?|volumes?)\b/, ["disk"]],
  [/\b(network|bandwidth|packets?)\b/, ["network"]],
  [/\b(saturat\w*|queues?|pools?|connections?|backlog|lag)\b/, ["saturation"]],
  [/\b(restarts?|crashloop\w*|pods?)\b/, ["restarts"]],
  [/\b(capacity|resources?|utili[sz]ation)\b/, ["cpu", "memory", "disk", "saturation"]],
];

/** The signal kinds a question mentions ("why are 5xx up" → errors). */
export function questionKinds(question: string): ReadonlySet<SignalKind> {
  const text = question.toLowerCase();
  const kinds = new Set<SignalKind>();
  for (const [re, mapped] of QUESTION_KINDS) if (re.test(text)) for (const k of mapped) kinds.add(k);
  return kinds;
}

/** "metric{host:web-1}": the scope is left out, every series carries the same one. */
export function seriesLabel(series: Pick<Series, "metric" | "group">): string {
  return series.group.length > 0 ? `${series.metric}{${series.group.join(",")}}` : series.metric;
}

const statsKey = (s: { readonly query: string; readonly group: readonly string[] }): string =>
  `${s.query}|${s.group.join(",")}`;

const TAG_BEFORE = /[\s,{(["'`=]/;
const TAG_AFTER = /^([\s,})\]"'`;:]|\.(\s|$))/;

/**
 * Whether `text` names the whole tag: "host:web-1" in "on host:web-1, …" but not in
 * "host:web-10" (a sentence's full stop after it still counts).
 */
export function mentionsTag(text: string, tag: string): boolean {
  for (let at = text.indexOf(tag); at >= 0; at = text.indexOf(tag, at + 1)) {
    const before = at === 0 ? "" : (text[at - 1] ?? "");
    const after = text.slice(at + tag.length);
    if ((before === "" || TAG_BEFORE.test(before)) && (after === "" || TAG_AFTER.test(after))) return true;
  }
  return false;
}

/** Whether a finding names the series' group (e.g. "host:web-1") in its summary or evidence. */
function namesGroup(finding: Finding, group: readonly string[]): boolean {
  const text = [
    finding.summary,
    ...Object.values(finding.evidence).filter((v) => typeof v === "string"),
  ].join(" ");
  return group.every((tag) => mentionsTag(text, tag));
}

/**
 * Orders series by how much they matter to the question: series a finding rests on first
 * (stronger findings higher, the group a finding names above its siblings), then series of the kinds the question names, then by how much
 * they moved over the window. Ties keep the evidence order, so the result is deterministic.
 */
export function rankSeries(
  question: string,
  series: readonly Series[],
  findings: readonly Finding[],
  stats: readonly SeriesStats[],
): RankedSeries[] {
  const wanted = questionKinds(question);
  const statsByKey = new Map(stats.map((s) => [statsKey(s), s]));
  const ranked = series.map((s, index) => {
    const own = statsByKey.get(statsKey(s));
    const related = findings.filter((f) => f.metric === s.metric);
    const kind = s.kind ?? own?.kind ?? classifyMetric(s.metric)?.kind;
    let score = 0;
    if (related.length > 0) score += 100 + 10 * Math.max(...related.map((f) => f.score));
    const focus = related.length > 0 && (s.group.length === 0 || related.some((f) => namesGroup(f, s.group)));
    if (focus) score += 50;
    if (kind !== undefined && wanted.has(kind)) score += 10;
    const change = Math.abs(own?.change_pct ?? 0);
    score += Math.min(5, Math.log10(1 + change));
    return {
      entry: { series: s, label: seriesLabel(s), kind, stats: own, findings: related, focus, score },
      index,
    };
  });
  ranked.sort((a, b) => b.entry.score - a.entry.score || a.index - b.index);
  return ranked.map(({ entry }) => entry);
}
