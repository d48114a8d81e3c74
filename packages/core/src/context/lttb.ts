/** A point with a value: [epoch ms, value]. */
export type DefinedPoint = readonly [number, number];

/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps `threshold` points
 * that preserve the visual shape — spikes and dips survive where averaging would flatten them.
 * Gaps (null values) are dropped first. The first and last points are always kept.
 */
export function lttb(
  points: ReadonlyArray<readonly [number, number | null]>,
  threshold: number,
): DefinedPoint[] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [t, v] of points) {
    if (v !== null && Number.isFinite(v)) {
      xs.push(t);
      ys.push(v);
    }
  }
  const n = xs.length;
  const at = (i: number): DefinedPoint => [xs[i] ?? 0, ys[i] ?? 0];
  if (threshold >= n) return xs.map((_, i) => at(i));
  if (threshold <= 0) return [];
  if (threshold === 1) return [at(n - 1)];
  if (threshold === 2) return [at(0), at(n - 1)];

  const sampled: DefinedPoint[] = [at(0)];
  // Bucket size for the points between the fixed first and last.
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    // The average of the next bucket is the third vertex of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += xs[j] ?? 0;
      avgY += ys[j] ?? 0;
    }
    const span = Math.max(1, nextEnd - nextStart);
    avgX /= span;
    avgY /= span;

    const rangeStart = Math.floor(i * every) + 1;
    const rangeEnd = Math.floor((i + 1) * every) + 1;
    const ax = xs[a] ?? 0;
    const ay = ys[a] ?? 0;
    let maxArea = -1;
    let chosen = rangeStart;
    for (let j = rangeStart; j < rangeEnd; j++) {
      const area = Math.abs((ax - avgX) * ((ys[j] ?? 0) - ay) - (ax - (xs[j] ?? 0)) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        chosen = j;
      }
    }
    sampled.push(at(chosen));
    a = chosen;
  }
  sampled.push(at(n - 1));
  return sampled;
}
