/** Robust statistics: medians, MAD scales, quantiles and a sub-sampled Theil–Sen slope. */

const MAD_TO_SIGMA = 1.4826;

/** The k-th smallest value of `a` (0-based), rearranging `a` in place (Hoare's selection, O(n) on average). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = a[i] ?? 0;
        a[i] = a[j] ?? 0;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] ?? Number.NaN;
}

/** Median of the values (computed on a copy); NaN for an empty input. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const copy = Float64Array.from(values);
  const mid = n >> 1;
  const upper = select(copy, mid);
  if (n % 2 === 1) return upper;
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) lower = Math.max(lower, copy[i] ?? 0);
  return (lower + upper) / 2;
}

/** Quantile q in [0, 1] of already sorted values, with linear interpolation. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(n - 1, Math.max(0, q * (n - 1)));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (pos - lo);
}

/** Median absolute deviation around the median, scaled to a normal standard deviation. */
export function madSigma(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  const m = median(values);
  const dev = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs((values[i] ?? 0) - m);
  return MAD_TO_SIGMA * median(dev);
}

/**
 * Point noise estimated from first differences: insensitive to level shifts, trends and slow
 * cycles, so one incident cannot inflate the scale it is judged against.
 */
export function diffSigma(values: ArrayLike<number>): number {
  if (values.length < 3) return 0;
  const diffs = new Float64Array(values.length - 1);
  for (let i = 1; i < values.length; i++) diffs[i - 1] = (values[i] ?? 0) - (values[i - 1] ?? 0);
  return madSigma(diffs) / Math.SQRT2;
}

/** Rolling median over a centred window of `width` points (odd); edges use the points available. */
export function rollingMedian(values: ArrayLike<number>, width: number): Float64Array {
  const n = values.length;
  const half = Math.max(0, Math.floor(width / 2));
  const out = new Float64Array(n);
  if (half === 0) {
    for (let i = 0; i < n; i++) out[i] = values[i] ?? 0;
    return out;
  }
  const buf = new Float64Array(2 * half + 1);
  for (let i = 0; i < n; i++) {
    const from = Math.max(0, i - half);
    const to = Math.min(n - 1, i + half);
    const len = to - from + 1;
    for (let j = from; j <= to; j++) buf[j - from] = values[j] ?? 0;
    const view = buf.subarray(0, len);
    const mid = len >> 1;
    const upper = select(view, mid);
    if (len % 2 === 1) out[i] = upper;
    else {
      let lower = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < mid; k++) lower = Math.max(lower, view[k] ?? 0);
      out[i] = (lower + upper) / 2;
    }
  }
  return out;
}

/**
 * Theil–Sen slope (median of pairwise slopes) on at most `maxPoints` block medians, so it
 * stays fast on long series and ignores outliers.
 */
export function theilSen(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  maxPoints = 60,
): { slope: number; intercept: number } {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return { slope: 0, intercept: n === 1 ? (ys[0] ?? 0) : 0 };
  const size = Math.max(1, Math.ceil(n / maxPoints));
  const bx: number[] = [];
  const by: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    const sx: number[] = [];
    const sy: number[] = [];
    for (let i = start; i < end; i++) {
      sx.push(xs[i] ?? 0);
      sy.push(ys[i] ?? 0);
    }
    bx.push(median(sx));
    by.push(median(sy));
  }
  const slopes: number[] = [];
  for (let i = 0; i < bx.length; i++) {
    for (let j = i + 1; j < bx.length; j++) {
      const dx = (bx[j] ?? 0) - (bx[i] ?? 0);
      if (dx !== 0) slopes.push(((by[j] ?? 0) - (by[i] ?? 0)) / dx);
    }
  }
  const slope = slopes.length > 0 ? median(slopes) : 0;
  const intercepts = bx.map((x, i) => (by[i] ?? 0) - slope * x);
  return { slope, intercept: median(intercepts) };
}

/** The robust scatter (MAD sigma) of readings about a fitted line: how far from it noise alone goes. */
export function scatterAbout(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  line: { readonly slope: number; readonly intercept: number },
): number {
  return madSigma(Float64Array.from(ys, (y, i) => y - (line.intercept + line.slope * (xs[i] ?? 0))));
}

/** Spearman rank correlation of two equally long samples, in [-1, 1]. */
export function spearman(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return 0;
  const rx = ranks(xs, n);
  const ry = ranks(ys, n);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  const mean = (n - 1) / 2;
  for (let i = 0; i < n; i++) {
    const a = (rx[i] ?? 0) - mean;
    const b = (ry[i] ?? 0) - mean;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

function ranks(values: ArrayLike<number>, n: number): Float64Array {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1] ?? 0] === values[order[i] ?? 0]) j++;
    const rank = (i + j) / 2;
    for (let k = i; k <= j; k++) out[order[k] ?? 0] = rank;
    i = j + 1;
  }
  return out;
}
