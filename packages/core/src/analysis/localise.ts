import type { Series } from "../evidence.js";
import { formatValue } from "./format-value.js";
import { median } from "./robust.js";

/**
 * Where a problem is: given a finding's metric read again grouped by a tag (endpoint, host,
 * pod, version, zone, dependency), which groups carry the change. Concentration ("94 % of the
 * new errors are on POST /charge"), groups that appear only after the change (version v2.14.0),
 * and one group far from its peers (one host). High-cardinality tags are capped: the top groups
 * plus "others".
 */

/** One group's part of the change. */
export interface GroupShare {
  /** The tag value ("POST /charge", "web-3", "v2.14.0"), or "others" for the rest together. */
  readonly value: string;
  /** Level before the change and during it (the metric's unit, per point, summed or averaged as read). */
  readonly before: number;
  readonly during: number;
  /** Share of the whole change this group carries, in [0, 1] (for counts); of the total during, otherwise. */
  readonly share: number;
  /** The group reported nothing before the change: it is new (a new version, a new pod). */
  readonly isNew: boolean;
}

export interface Localisation {
  /** The tag key the series were grouped by ("resource_name", "host", "version"). */
  readonly key: string;
  readonly metric: string;
  /** Groups by their part of the change, largest first, capped (the rest in "others"). */
  readonly groups: readonly GroupShare[];
  /** How the change is distributed: one group carries it, a few do, or it is spread. */
  readonly verdict: "concentrated" | "new_group" | "outlier" | "spread";
  /** The group that carries the change, when one does. */
  readonly culprit?: GroupShare;
  /** One sentence for the answer: "94% of the rise in errors is on resource_name POST /charge (…)". */
  readonly statement: string;
}

/** Groups shown at most; the rest are summed into "others". */
export const MAX_GROUPS = 8;
/** A group carrying this share of the change is "the" culprit. */
const CONCENTRATED_SHARE = 0.6;
/** For levels (latency, CPU): a group this many times the median of its peers is an outlier. */
const OUTLIER_FACTOR = 1.5;

function tagValue(series: Series, key: string): string {
  const tag = series.group.find((g) => g.startsWith(`${key}:`));
  return tag ? tag.slice(key.length + 1) : series.group.join(",") || "(no tag)";
}

function meanIn(series: Series, from: number, to: number): number | undefined {
  let sum = 0;
  let n = 0;
  for (const [t, v] of series.points) {
    if (v === null || !Number.isFinite(v) || t < from || t > to) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : undefined;
}

/**
 * Localises a change that began at `changeAt` on grouped series of one metric. `additive`: the
 * groups sum to the whole (counts, bytes, requests) — shares are of the change; otherwise
 * (latency, CPU %) a group is judged against its peers.
 */
export function localise(input: {
  readonly key: string;
  readonly metric: string;
  readonly series: readonly Series[];
  readonly window: { readonly start: number; readonly end: number };
  /** When the change began; absent: no change is known, and the groups' levels over the window are compared. */
  readonly changeAt?: number;
  readonly additive: boolean;
  readonly unit?: string;
  /** What the metric is, in words, for the statement ("errors", "p95 latency"). */
  readonly subject: string;
}): Localisation | undefined {
  const { key, series, window, changeAt, additive } = input;
  if (series.length < 2) return undefined;
  const rows = series.map((s) => {
    const before = changeAt === undefined ? undefined : meanIn(s, window.start, changeAt - 1);
    const during = meanIn(s, changeAt ?? window.start, window.end) ?? 0;
    return {
      value: tagValue(s, key),
      before: changeAt === undefined ? during : (before ?? 0),
      during,
      // New: no points at all before the change (a new version, a new pod); zeros are a level.
      isNew: changeAt !== undefined && before === undefined,
    };
  });
  // Levels without a known change: a group's share is of the total, not of a rise.
  const what = changeAt === undefined ? `the ${input.subject}` : `the rise in ${input.subject}`;
  const fmt = (v: number) => formatValue(v, input.unit);
  let groups: GroupShare[];
  if (additive) {
    const change = rows.reduce((a, r) => a + Math.max(0, r.during - r.before), 0);
    const totalDuring = rows.reduce((a, r) => a + r.during, 0);
    groups = rows.map((r) => ({
      ...r,
      share:
        change > 0 ? Math.max(0, r.during - r.before) / change : totalDuring > 0 ? r.during / totalDuring : 0,
    }));
  } else {
    const peers = median(Float64Array.from(rows.map((r) => r.during)));
    groups = rows.map((r) => ({ ...r, share: peers > 0 ? r.during / peers : 0 }));
  }
  groups.sort((a, b) => b.share - a.share || b.during - a.during);
  const capped: GroupShare[] = groups.slice(0, MAX_GROUPS);
  const rest = groups.slice(MAX_GROUPS);
  if (rest.length > 0) {
    capped.push({
      value: `others (${rest.length})`,
      before: rest.reduce((a, r) => a + r.before, 0),
      during: rest.reduce((a, r) => a + r.during, 0),
      share: additive
        ? rest.reduce((a, r) => a + r.share, 0)
        : median(Float64Array.from(rest.map((r) => r.share))),
      isNew: false,
    });
  }
  const top = capped[0] as GroupShare;
  const second = capped[1];
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (additive && top.isNew && top.share >= CONCENTRATED_SHARE) {
    return {
      key,
      metric: input.metric,
      groups: capped,
      verdict: "new_group",
      culprit: top,
      statement: `${pct(top.share)} of ${what} comes from ${key} ${top.value}, which reported nothing before the change (${fmt(top.during)} per point now)`,
    };
  }
  if (additive && top.share >= CONCENTRATED_SHARE) {
    return {
      key,
      metric: input.metric,
      groups: capped,
      verdict: "concentrated",
      culprit: top,
      statement: `${pct(top.share)} of ${what} is on ${key} ${top.value} (${changeAt === undefined ? fmt(top.during) : `${fmt(top.before)} → ${fmt(top.during)}`} per point)${second ? `; next is ${second.value} with ${pct(second.share)}` : ""}`,
    };
  }
  if (!additive && top.share >= OUTLIER_FACTOR && (!second || second.share < OUTLIER_FACTOR)) {
    return {
      key,
      metric: input.metric,
      groups: capped,
      verdict: "outlier",
      culprit: top,
      statement: `${key} ${top.value} stands out: ${input.subject} ${fmt(top.during)} there against about ${fmt(top.during / Math.max(top.share, 1e-9))} on its peers (×${Math.round(top.share * 10) / 10})`,
    };
  }
  return {
    key,
    metric: input.metric,
    groups: capped,
    verdict: "spread",
    statement: `the change in ${input.subject} is spread across ${key} values (the largest, ${top.value}, carries ${additive ? pct(top.share) : `×${Math.round(top.share * 10) / 10} the median`}): no single ${key} is the culprit`,
  };
}
