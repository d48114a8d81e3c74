/**
 * The offset of `t` from `end`, compact: "-40s", "-35m", "-5h10m", "-2d3h", "0".
 * Models read offsets from "now" more reliably than epoch numbers, and they cost fewer tokens.
 */
export function relativeTime(t: number, end: number): string {
  const diffS = Math.round((t - end) / 1000);
  if (diffS === 0) return "0";
  const sign = diffS < 0 ? "-" : "+";
  const abs = Math.abs(diffS);
  if (abs < 120) return `${sign}${abs}s`;
  const minutes = Math.round(abs / 60);
  if (minutes < 60) return `${sign}${minutes}m`;
  if (minutes < 48 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? `${sign}${h}h` : `${sign}${h}h${m}m`;
  }
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `${sign}${d}d` : `${sign}${d}d${h}h`;
}
