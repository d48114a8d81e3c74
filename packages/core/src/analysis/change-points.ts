/** A run of points [start, end) with one level. */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly mean: number;
}

/** Above this many points (by default) the search runs on bucket means, keeping it O(n²) on at most this many. */
const MAX_EXACT_POINTS = 360;

/**
 * Optimal partition of `y` into constant levels (least squares), each change costing `penalty`
 * (in y² units; about c·σ²·ln n). Exact dynamic programming, so a huge spike early in the
 * window is one short segment of its own and cannot mask a later step, as it would with a
 * global z-score. Series longer than MAX_EXACT_POINTS are bucketed, then the boundaries refined.
 */
export function changePoints(y: Float64Array, penalty: number, maxExact = MAX_EXACT_POINTS): Segment[] {
  const n = y.length;
  if (n === 0) return [];
  const bucket = Math.max(1, Math.ceil(n / maxExact));
  if (bucket === 1) return optimalPartition(y, penalty).map(([s, e]) => segmentOf(y, s, e));
  const m = Math.ceil(n / bucket);
  const means = new Float64Array(m);
  for (let b = 0; b < m; b++) {
    let sum = 0;
    const end = Math.min(n, (b + 1) * bucket);
    for (let i = b * bucket; i < end; i++) sum += y[i] ?? 0;
    means[b] = sum / (end - b * bucket);
  }
  // A bucket mean has 1/bucket of the point variance, so the penalty scales down with it.
  const coarse = optimalPartition(means, penalty / bucket);
  const bounds = coarse.map(([s]) => s * bucket);
  const refined: number[] = [];
  for (let k = 1; k < bounds.length; k++) {
    const left = k > 1 ? (bounds[k - 1] ?? 0) : 0;
    const right = k + 1 < bounds.length ? (bounds[k + 1] ?? n) : n;
    refined.push(
      refineBoundary(
        y,
        Math.max(left + 1, (bounds[k] ?? 0) - bucket),
        Math.min(right - 1, (bounds[k] ?? 0) + bucket),
        left,
        right,
      ),
    );
  }
  const edges = [0, ...refined, n];
  const out: Segment[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const s = edges[k] ?? 0;
    const e = edges[k + 1] ?? n;
    if (e > s) out.push(segmentOf(y, s, e));
  }
  return out;
}

/** Squared error of `y` around the segment levels plus `penalty` per segment: the cost the search minimises. */
export function segmentationCost(y: Float64Array, segments: readonly Segment[], penalty: number): number {
  let cost = 0;
  for (const s of segments) {
    for (let i = s.start; i < s.end; i++) {
      const d = (y[i] ?? 0) - s.mean;
      cost += d * d;
    }
  }
  return cost + penalty * segments.length;
}

function segmentOf(y: Float64Array, start: number, end: number): Segment {
  let sum = 0;
  for (let i = start; i < end; i++) sum += y[i] ?? 0;
  return { start, end, mean: sum / (end - start) };
}

/** The split in [lo, hi] of y[left, right) that minimises the two-level squared error. */
function refineBoundary(y: Float64Array, lo: number, hi: number, left: number, right: number): number {
  let total = 0;
  for (let i = left; i < right; i++) total += y[i] ?? 0;
  let leftSum = 0;
  for (let i = left; i < lo; i++) leftSum += y[i] ?? 0;
  let best = lo;
  let bestGain = Number.NEGATIVE_INFINITY;
  for (let b = lo; b <= hi; b++) {
    const nl = b - left;
    const nr = right - b;
    if (nl > 0 && nr > 0) {
      const gain = (leftSum * leftSum) / nl + ((total - leftSum) * (total - leftSum)) / nr;
      if (gain > bestGain) {
        bestGain = gain;
        best = b;
      }
    }
    leftSum += y[b] ?? 0;
  }
  return best;
}

function optimalPartition(y: Float64Array, penalty: number): Array<[number, number]> {
  const n = y.length;
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = y[i] ?? 0;
    s1[i + 1] = (s1[i] ?? 0) + v;
    s2[i + 1] = (s2[i] ?? 0) + v * v;
  }
  const f = new Float64Array(n + 1);
  const last = new Int32Array(n + 1);
  f[0] = -penalty;
  for (let t = 1; t <= n; t++) {
    let best = Number.POSITIVE_INFINITY;
    let arg = 0;
    const a1 = s1[t] ?? 0;
    const a2 = s2[t] ?? 0;
    for (let tau = 0; tau < t; tau++) {
      const d1 = a1 - (s1[tau] ?? 0);
      const cost = a2 - (s2[tau] ?? 0) - (d1 * d1) / (t - tau);
      const v = (f[tau] ?? 0) + cost;
      if (v < best) {
        best = v;
        arg = tau;
      }
    }
    f[t] = best + penalty;
    last[t] = arg;
  }
  const out: Array<[number, number]> = [];
  let t = n;
  while (t > 0) {
    const s = last[t] ?? 0;
    out.push([s, t]);
    t = s;
  }
  return out.reverse();
}
