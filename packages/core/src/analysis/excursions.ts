import type { Segment } from "./change-points.js";
import type { LevelView } from "./level-view.js";
import { diffSigma, quantileSorted } from "./robust.js";
import { meanOf, transitionAt } from "./transition.js";

/** A stretch where the series left its reference level, with the shape of its onset. */
export interface Excursion {
  /** Point indices [start, end). */
  readonly start: number;
  readonly end: number;
  readonly sign: 1 | -1;
  /** Runs to the end of the window. */
  readonly sustained: boolean;
  /** A run at the start of the window read as a change at its end (before: the run, after: the reference). */
  readonly fromStart: boolean;
  /** Detection-scale level before the change and during/after it. */
  readonly before: number;
  readonly after: number;
  /** Onset completes within a few intervals (a step or spike, not a slope). */
  readonly sharp: boolean;
  /** Onset faster than any daily cycle could produce. */
  readonly fast: boolean;
  readonly riseMs: number;
  /** Index where the onset began (for ramps, before the run itself). */
  readonly onset: number;
  /** |after − before| / noise × √points: how unlikely as noise. */
  readonly z: number;
}

/** On a log scale, levels closer than this (≈15 %) are the same state; the detectors judge practical size later. */
export const SAME_LEVEL_LOG = Math.log(1.15);

function referenceLevel(segments: readonly Segment[], sameLevel: number): number {
  // The level the series spends most time at, all its visits counted: a normal interrupted by a
  // long burst is still the normal, though the burst is the longest single stretch.
  const timeAt = (level: number): number =>
    segments.reduce((sum, g) => (Math.abs(g.mean - level) <= sameLevel ? sum + g.end - g.start : sum), 0);
  let longest = segments[0];
  let longestTime = longest ? timeAt(longest.mean) : 0;
  for (const s of segments) {
    const time = timeAt(s.mean);
    if (
      time > longestTime ||
      (time === longestTime && longest && s.end - s.start > longest.end - longest.start)
    ) {
      longest = s;
      longestTime = time;
    }
  }
  if (!longest) return 0;
  let sum = 0;
  let n = 0;
  for (const s of segments) {
    if (Math.abs(s.mean - longest.mean) <= sameLevel) {
      sum += s.mean * (s.end - s.start);
      n += s.end - s.start;
    }
  }
  return n > 0 ? sum / n : longest.mean;
}

interface Run {
  start: number;
  end: number;
  sign: 1 | -1;
}

/**
 * Trims a run to its core around the peak: a spike followed by a slightly raised level (a cycle
 * not removed, a partial recovery), or a slow drift that a sharp change then lands on, is
 * judged apart from that drift. Segments stay in the core while they keep at least half the
 * peak's deviation or are short (the transition of a ramp, the fragments of a noisy dip).
 */
/**
 * Neighbouring fragments at about the same distance from the reference (within a factor of two)
 * as one: noise on small counts cuts a burst into many short segments, and the burst, not each
 * fragment, is what a peak is judged on. Segments of some length stay apart (a dip, then a
 * weekend's lower level).
 */
function clusters(inside: readonly Segment[], reference: number, fragment: number): Segment[] {
  const out: Segment[] = [];
  let low = 0;
  let high = 0;
  let fragments = false;
  for (const s of inside) {
    const dev = Math.abs(s.mean - reference);
    const last = out[out.length - 1];
    const short = s.end - s.start < fragment;
    if (
      last &&
      fragments &&
      short &&
      last.end === s.start &&
      Math.min(low, dev) >= 0.5 * Math.max(high, dev)
    ) {
      const len = last.end - last.start + s.end - s.start;
      out[out.length - 1] = {
        ...last,
        end: s.end,
        mean: (last.mean * (last.end - last.start) + s.mean * (s.end - s.start)) / len,
      };
      // One reading is one noisy draw: it may join the burst but does not widen the range of
      // levels the burst spans (a low point would otherwise split off the burst's other half).
      if (s.end - s.start > 1) {
        low = Math.min(low, dev);
        high = Math.max(high, dev);
      }
      continue;
    }
    out.push(s);
    low = dev;
    high = dev;
    fragments = short;
  }
  return out;
}

function splitRuns(runs: Run[], segments: readonly Segment[], reference: number, sameLevel: number): Run[] {
  const out: Run[] = [];
  for (const run of runs) {
    // Segments shorter than a twentieth of the run are fragments (as for the peak below).
    const inside = clusters(
      segments.filter(
        (s) => s.start >= run.start && s.end <= run.end && Math.abs(s.mean - reference) > sameLevel,
      ),
      reference,
      Math.max(2, 0.05 * (run.end - run.start)),
    );
    if (inside.length < 2) {
      out.push(run);
      continue;
    }
    const dev = (s: Segment | undefined): number => Math.abs((s?.mean ?? reference) - reference);
    const lenOf = (s: Segment | undefined): number => (s ? s.end - s.start : 0);
    // The peak is judged on segments of some length: one outlier point inside a long drop is not its peak.
    const minLen = Math.min(Math.max(...inside.map(lenOf)), Math.max(2, 0.05 * (run.end - run.start)));
    let peakIndex = 0;
    inside.forEach((s, i) => {
      if ((lenOf(s) >= minLen && dev(s) > dev(inside[peakIndex])) || lenOf(inside[peakIndex]) < minLen)
        peakIndex = i;
    });
    const peak = dev(inside[peakIndex]);
    let coreLen = lenOf(inside[peakIndex]);
    // A long stretch at under half the peak is a drift of its own; a short one is part of the episode.
    const belongs = (s: Segment | undefined): boolean =>
      dev(s) >= 0.5 * peak || lenOf(s) < Math.max(10, 0.25 * coreLen);
    let last = peakIndex;
    for (let i = peakIndex + 1; i < inside.length && belongs(inside[i]); i++) {
      last = i;
      coreLen += lenOf(inside[i]);
    }
    let first = peakIndex;
    for (let i = peakIndex - 1; i >= 0 && belongs(inside[i]); i--) {
      first = i;
      coreLen += lenOf(inside[i]);
    }
    const coreStart = first === 0 ? run.start : (inside[first]?.start ?? run.start);
    const coreEnd = last === inside.length - 1 ? run.end : (inside[last]?.end ?? run.end);
    if (coreStart > run.start)
      out.push(
        ...splitRuns([{ start: run.start, end: coreStart, sign: run.sign }], segments, reference, sameLevel),
      );
    out.push({ start: coreStart, end: coreEnd, sign: run.sign });
    if (coreEnd < run.end)
      out.push(
        ...splitRuns(
          [{ start: inside[last + 1]?.start ?? coreEnd, end: run.end, sign: run.sign }],
          segments,
          reference,
          sameLevel,
        ),
      );
  }
  return out;
}

function runsOf(segments: readonly Segment[], reference: number, noise: number, sameLevel: number): Run[] {
  let lastLen = 0;
  const runs: Run[] = [];
  const offSign = (s: Segment | undefined): 0 | 1 | -1 => {
    if (!s) return 0;
    const d = s.mean - reference;
    const off = Math.abs(d) > sameLevel && Math.abs(d) > (3 * noise) / Math.sqrt(s.end - s.start);
    return off ? (d > 0 ? 1 : -1) : 0;
  };
  segments.forEach((s, i) => {
    const sign = offSign(s);
    if (sign === 0) return;
    const len = s.end - s.start;
    const prev = runs[runs.length - 1];
    // A point or two the other way inside an episode (a reading clamped to zero in a backlog, a
    // scrape that caught a restart) is an outlier within it, not its end and a new excursion.
    if (
      prev &&
      prev.sign !== sign &&
      len <= 2 &&
      prev.end === s.start &&
      offSign(segments[i + 1]) === prev.sign
    )
      return;
    if (prev && prev.sign === sign) {
      // A short return to normal between two same-sign excursions is one episode (flapping).
      const gap = s.start - prev.end;
      if (gap <= Math.max(2, 0.5 * Math.min(len, lastLen))) {
        prev.end = s.end;
        lastLen = len;
        return;
      }
    }
    runs.push({ start: s.start, end: s.end, sign });
    lastLen = len;
  });
  return splitRuns(runs, segments, reference, sameLevel);
}

/** Noise around a run: where the series is noisier than usual (a trough, a busy hour) a bump must be larger. */
function localNoise(level: Float64Array, start: number, end: number, noise: number): number {
  const from = Math.max(0, start - 30);
  const to = Math.min(level.length, end + 30);
  return Math.max(noise, to - from >= 10 ? diffSigma(level.subarray(from, to)) : 0);
}

/**
 * Finds excursions from the reference level in a segmented series. The reference is the level
 * the series spends most time at; a run at the very start of the window is read as "the level
 * changed at its end" since the window shows no earlier normal to compare with.
 */
export function findExcursions(view: LevelView): Excursion[] {
  const { times, level, segments, noise, windowMs, speedMin } = view;
  const n = level.length;
  if (segments.length < 2) return [];
  const reference = referenceLevel(segments, view.sameLevel);
  const isFast = (size: number, riseMs: number): boolean =>
    riseMs > 0 && (0.6 * size) / (riseMs / 3_600_000) >= speedMin;
  const out: Excursion[] = [];
  let previous: { run: Run; floor: number } | undefined;
  const runs = runsOf(segments, reference, noise, view.sameLevel);
  for (const run of runs) {
    // A change cannot have begun before the previous excursion ended, unless that excursion is
    // the slow lead-in to this one (split off by splitRuns): then the change is judged from
    // the lead-in's level and can have begun where the lead-in did.
    const leadIn =
      previous && previous.run.end === run.start && previous.run.sign === run.sign ? previous.run : undefined;
    const floor = leadIn ? (previous?.floor ?? 0) : (previous?.run.end ?? 0);
    previous = { run, floor };
    const len = run.end - run.start;
    if (run.start === 0) {
      if (run.end >= n) continue;
      // Too short a start to call it a former normal: ignore it.
      if (len < 5 || (times[run.end] ?? 0) - (times[0] ?? 0) < 0.05 * windowMs) continue;
      // The change is the largest jump between the run's own levels or from the run into the reference.
      // Segments of a point or two are outliers, not levels: they do not mark the change.
      const own = segments.filter((g) => g.end <= run.end && g.end - g.start >= 3);
      let at = run.end;
      // A point or two closing the run that already sit nearer the reference than the run's last
      // level are the first of the new level, off by noise: the change is where that level ended.
      const lastOwn = own[own.length - 1];
      if (lastOwn && lastOwn.end < run.end) {
        const tail = meanOf(level, lastOwn.end, run.end);
        if (Math.abs(tail - reference) < Math.abs(tail - lastOwn.mean)) at = lastOwn.end;
      }
      let after = reference;
      let biggest = Math.abs(reference - (own[own.length - 1]?.mean ?? reference));
      for (let j = 1; j < own.length; j++) {
        const jump = Math.abs((own[j]?.mean ?? 0) - (own[j - 1]?.mean ?? 0));
        if (jump > biggest) {
          biggest = jump;
          // The old level ends where its last long stretch does: a point or two after it are the change.
          at = own[j - 1]?.end ?? run.end;
          after = meanOf(level, at, run.end);
        }
      }
      const before = meanOf(level, 0, at);
      const sign: 1 | -1 = after > before ? 1 : -1;
      const size = Math.abs(after - before);
      // The change lasts until the series is back at the level the window opened at: a later run
      // (of a few points at least) at that level closes it there, however the window's time is
      // shared between the levels (a burst filling half of a two-hour window, then gone).
      const back = runs.find(
        (r) =>
          r.start >= run.end &&
          r.end - r.start >= 3 &&
          Math.abs(meanOf(level, r.start, r.end) - before) <= view.sameLevel,
      );
      const end = back ? back.start : n;
      const t = transitionAt(view, at, 0, end, sign, before, size);
      out.push({
        start: at,
        end,
        sign,
        sustained: end >= n,
        fromStart: true,
        before,
        after,
        sharp: t.sharp,
        fast: isFast(size, t.riseMs),
        riseMs: t.riseMs,
        onset: t.onset,
        z: (size / noise) * Math.sqrt(Math.min(at, end - at)),
      });
      continue;
    }
    const inside: number[] = [];
    for (let i = run.start; i < run.end; i++) inside.push(run.sign * ((level[i] ?? 0) - reference));
    inside.sort((a, b) => a - b);
    const size = Math.max(quantileSorted(inside, len <= 4 ? 0.5 : 0.75), 1e-12);
    const base = leadIn
      ? meanOf(
          level,
          Math.max(leadIn.start, leadIn.end - Math.ceil((leadIn.end - leadIn.start) / 3)),
          leadIn.end,
        )
      : reference;
    const stepSize = Math.max(size - run.sign * (base - reference), 1e-12);
    const t = transitionAt(view, run.start, floor, run.end, run.sign, base, stepSize);
    // Report against the level just before the change: on a drifting series that is fairer than the window's typical level.
    const prevSegment = segments.find((g) => g.end === run.start);
    const localBefore =
      leadIn || !prevSegment ? base : meanOf(level, Math.max(prevSegment.start, run.start - 30), run.start);
    const sustained = run.end >= n;
    const lastPart = sustained ? Math.max(run.start, run.end - Math.max(1, Math.ceil(len / 3))) : run.start;
    const after = reference + run.sign * Math.abs(meanOf(level, lastPart, run.end) - reference);
    const before = Math.abs(localBefore - reference) <= view.sameLevel ? localBefore : reference;
    out.push({
      start: run.start,
      end: run.end,
      sign: run.sign,
      sustained,
      fromStart: false,
      before,
      after,
      // Abrupt only if the jump itself accounts for most of the change reported.
      sharp: t.sharp && t.jump >= 0.5 * Math.abs(after - before),
      fast: isFast(stepSize, t.riseMs),
      riseMs: t.riseMs,
      onset: Math.max(leadIn ? run.start - Math.ceil((run.start - floor) / 2) : floor, t.onset),
      z:
        (Math.abs(meanOf(level, run.start, run.end) - reference) /
          localNoise(level, run.start, run.end, noise)) *
        Math.sqrt(len),
    });
  }
  return out;
}
