import type { Excursion } from "./excursions.js";
import type { LevelView } from "./level-view.js";
import { transitionAt } from "./transition.js";

/** A jump between neighbouring levels this large (×1.6 or ÷1.6) is news wherever it lands. */
const LOCAL_SHIFT = Math.log(1.6);

/**
 * Abrupt, lasting shifts judged against the level just before them rather than the window's
 * usual level. Without a daily cycle to take out (windows under a day), traffic that falls by
 * two thirds in the middle of its morning climb lands near the night's level and looks
 * "normal" against the window; against the hour before, it is a drop. A shift qualifies when
 * it is sharp, lasts to the end of the window, and is no recovery: no abrupt move the other
 * way led up to it.
 */
export function findLevelShifts(view: LevelView): Excursion[] {
  const { segments, level, noise } = view;
  const n = level.length;
  const out: Excursion[] = [];
  for (let j = 1; j < segments.length; j++) {
    const prev = segments[j - 1];
    const next = segments[j];
    if (!prev || !next || prev.end - prev.start < 5 || next.end - next.start < 3) continue;
    const jump = next.mean - prev.mean;
    if (Math.abs(jump) < LOCAL_SHIFT) continue;
    const sign: 1 | -1 = jump > 0 ? 1 : -1;
    const size = Math.abs(jump);
    const later = segments.slice(j);
    if (!later.every((s) => sign * (s.mean - prev.mean) >= 0.5 * size)) continue;
    let recovery = false;
    for (let i = 1; i < j; i++) {
      const a = segments[i - 1];
      const b = segments[i];
      if (a && b && -sign * (b.mean - a.mean) >= 0.5 * size) recovery = true;
    }
    if (recovery) continue;
    const t = transitionAt(view, next.start, prev.start, n, sign, prev.mean, size);
    if (!t.sharp) continue;
    let sum = 0;
    for (let i = next.start; i < n; i++) sum += level[i] ?? 0;
    out.push({
      start: next.start,
      end: n,
      sign,
      sustained: true,
      fromStart: false,
      before: prev.mean,
      after: sum / (n - next.start),
      sharp: true,
      fast: true,
      riseMs: t.riseMs,
      onset: t.onset,
      z: (size / Math.max(noise, 1e-12)) * Math.sqrt(Math.min(prev.end - prev.start, n - next.start)),
    });
  }
  return out;
}

/**
 * Adds the level shifts that no excursion already describes (one starting within a few points,
 * same way). A shift replaces such an excursion when it tells the move better: the excursion is
 * brief, or gradual, or smaller because it was measured from the window's usual level rather
 * than from the level just before (a drop at the top of a daily climb).
 */
export function withLevelShifts(found: readonly Excursion[], shifts: readonly Excursion[]): Excursion[] {
  const out = [...found];
  for (const shift of shifts) {
    const same = out.findIndex((e) => e.sign === shift.sign && Math.abs(e.start - shift.start) <= 3);
    const e = out[same];
    if (!e) out.push(shift);
    else if (
      !e.sustained ||
      !(e.sharp || e.fast) ||
      Math.abs(shift.after - shift.before) > Math.abs(e.after - e.before)
    )
      out[same] = shift;
  }
  return out.sort((a, b) => a.start - b.start);
}
