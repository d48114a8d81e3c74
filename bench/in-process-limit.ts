import { executePlan, planQuestion, serviceScope, synthesizeAnswer, type MetricsSource } from "@orch/core";
import { DemoSource } from "@orch/datadog";
import { OfflineReasoner } from "@orch/llm";
import { DEMO_QUESTIONS } from "./support/submit-jobs.js";

/**
 * The demo source behind an in-memory cache that, like the service's Redis cache, hands back a
 * parsed copy of the stored JSON: the phases then cost what they cost in a worker, without Redis.
 */
function memoised(source: MetricsSource): MetricsSource {
  const stored = new Map<string, string>();
  const cached =
    <A extends unknown[], T>(name: string, read: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      const key = `${name}:${JSON.stringify(args.slice(0, -1))}`;
      let text = stored.get(key);
      if (text === undefined) {
        text = JSON.stringify(await read(...args));
        stored.set(key, text);
      }
      return JSON.parse(text) as T;
    };
  return {
    id: source.id,
    discoverMetrics: cached("discover", source.discoverMetrics.bind(source)),
    queryMetrics: cached("query", source.queryMetrics.bind(source)),
    metricMetadata: cached("metadata", source.metricMetadata.bind(source)),
    metricTags: cached("tags", source.metricTags.bind(source)),
    monitors: cached("monitors", source.monitors.bind(source)),
    monitor: cached("monitor", source.monitor.bind(source)),
    events: cached("events", source.events.bind(source)),
    logs: cached("logs", source.logs.bind(source)),
  };
}

export interface InProcessLimit {
  /** Jobs a second. */
  readonly perSecond: number;
  /** CPU time a job (user + system of this process), ms. */
  readonly cpuMsPerJob: number;
}

/**
 * The in-process limit: the same phase functions a worker runs (planning, execution, feedback
 * with the offline reasoner, the six demo questions), called one job after another in this
 * process on one thread, data from a warm in-memory cache.
 */
export async function inProcessLimit(jobs: number): Promise<InProcessLimit> {
  const anchor = Math.ceil(Date.now() / 60_000) * 60_000;
  const now = () => anchor - 30_000;
  const source = memoised(new DemoSource({ anchor: () => anchor, now }));
  const reasoner = new OfflineReasoner(now);
  const signal = new AbortController().signal;
  const one = async (i: number) => {
    const q = DEMO_QUESTIONS[i % DEMO_QUESTIONS.length]!;
    const scope = serviceScope(q.service_id);
    const planned = await planQuestion(
      { source, reasoner, now },
      { question: q.user_message, scope, history: [], defaultTimeframe: "1h", maxSteps: 10 },
      signal,
    );
    const executed = await executePlan({ source, now, concurrency: 4 }, planned.plan, scope, signal);
    await synthesizeAnswer(
      { reasoner, now },
      { question: q.user_message, scope, plan: planned.plan, evidence: executed.evidence, history: [] },
      signal,
    );
  };
  // Warm-up: the cache and the JIT.
  for (let i = 0; i < 60; i++) await one(i);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < jobs; i++) await one(i);
  const used = process.cpuUsage(cpu);
  return {
    perSecond: jobs / ((performance.now() - started) / 1000),
    cpuMsPerJob: (used.user + used.system) / 1000 / jobs,
  };
}
