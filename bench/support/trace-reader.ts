import type { ServiceStack } from "./service-stack.js";

/** The parts of GET /jobs/:id/trace the benchmarks read. */
export interface BenchTrace {
  readonly status: string;
  readonly execution_time_ms: number;
  readonly phase_durations_ms: Readonly<Record<string, number>>;
  readonly usage: {
    readonly datadog_calls: number;
    readonly cache_hits: number;
    readonly prompt_tokens: number;
  };
  readonly steps: ReadonlyArray<{ readonly phase: string; readonly kind: string; readonly cache?: string }>;
}

export async function readTrace(stack: ServiceStack, id: string): Promise<BenchTrace> {
  const res = await stack.get(`/jobs/${id}/trace`);
  if (res.status !== 200) throw new Error(`GET /jobs/${id}/trace answered ${res.status}`);
  return (await res.json()) as BenchTrace;
}

/** Waits for a job to end (long-waits of 30 s) and returns its status and finish time. */
export async function waitForJob(
  stack: ServiceStack,
  id: string,
): Promise<{ status: string; finished_at: string }> {
  for (;;) {
    const res = await stack.get(`/jobs/${id}?wait=30`);
    const view = (await res.json()) as { status: string; finished_at: string | null };
    if (view.finished_at) return { status: view.status, finished_at: view.finished_at };
  }
}

/** Sum of the phases' own work in a trace. */
export const phaseWorkMs = (trace: BenchTrace): number =>
  Object.values(trace.phase_durations_ms).reduce((a, b) => a + b, 0);
