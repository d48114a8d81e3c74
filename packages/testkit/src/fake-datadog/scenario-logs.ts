import type { LogSummary } from "@orch/core";

/** One synthetic error log. */
export interface FakeLog {
  readonly message: string;
  readonly time: number;
}

/**
 * Individual error logs consistent with a scenario's log summary, newest first: as many logs
 * per bucket as the summary counts, messages interleaved in proportion to their totals, so
 * counting messages over any page of logs gives the summary's mix.
 */
export function scenarioLogs(summary: LogSummary, bucketMs: number): FakeLog[] {
  const remaining = summary.top_messages.map((m) => ({ message: m.message, left: m.count, total: m.count }));
  const fallback = summary.top_messages[summary.top_messages.length - 1]?.message ?? "Unhandled error";
  const next = (): string => {
    let best: (typeof remaining)[number] | undefined;
    for (const m of remaining) {
      if (m.left > 0 && (!best || m.left / m.total > best.left / best.total)) best = m;
    }
    if (!best) return fallback;
    best.left -= 1;
    return best.message;
  };
  const logs: FakeLog[] = [];
  for (const [start, count] of [...summary.error_counts].reverse()) {
    for (let i = 0; i < count; i++) {
      // Spread the bucket's logs over it, newest first.
      logs.push({ message: next(), time: start + bucketMs - 1 - Math.floor(((i + 0.5) * bucketMs) / count) });
    }
  }
  return logs;
}
