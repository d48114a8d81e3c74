import type { v1 } from "@datadog/datadog-api-client";
import { abortError, UpstreamError } from "@orch/core";

/** One upstream read of several metric queries over one window (Datadog's comma-separated v1 form). */
export type BatchSender = (
  queries: readonly string[],
  from: number,
  to: number,
  signal: AbortSignal,
) => Promise<{ readonly value: v1.MetricsQueryResponse; readonly calls: number }>;

export interface MetricQueryBatchOptions {
  /** Queries sent in one request at most. */
  readonly maxQueries: number;
  /** Characters of query text in one request at most (it travels in the URL). */
  readonly maxChars: number;
  /** How long a batch waits for more queries after its first; reads started together land in one. */
  readonly lingerMs: number;
}

/** One query's part of a batched answer: the response with only its series, and the calls it is charged. */
export interface BatchedRead {
  readonly value: v1.MetricsQueryResponse;
  readonly calls: number;
}

interface Member {
  readonly query: string;
  readonly signal: AbortSignal;
  resolve(read: BatchedRead): void;
  reject(error: unknown): void;
}

interface Batch {
  readonly from: number;
  readonly to: number;
  readonly members: Member[];
  chars: number;
  timer?: NodeJS.Timeout;
}

/** Whether a failed batch may owe its failure to one of its queries: then each is asked alone. */
function queryFault(error: unknown): boolean {
  return error instanceof UpstreamError && error.details.status === 400;
}

/**
 * Collects the metric queries of one window started together into one upstream request
 * (`query=a{…},b{…}`; each series of the answer names its query by `query_index`), so a round of
 * reads costs one request against the organisation's query budget instead of one per query.
 * Each caller gets the answer to its own query; a query the upstream refuses (HTTP 400 or an
 * error status) is retried alone, so that one bad query never fails the others.
 */
export class MetricQueryBatcher {
  private readonly open = new Map<string, Batch>();

  constructor(
    private readonly send: BatchSender,
    private readonly options: MetricQueryBatchOptions,
  ) {}

  /** The answer to `query` over [from, to] (epoch seconds), read in a batch with its neighbours. */
  read(query: string, from: number, to: number, signal: AbortSignal): Promise<BatchedRead> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<BatchedRead>((resolve, reject) => {
      // A caller that gives up is answered at once; the request goes on for the others.
      const gaveUp = () => reject(abortError(signal));
      signal.addEventListener("abort", gaveUp, { once: true });
      const settle = () => signal.removeEventListener("abort", gaveUp);
      const member: Member = {
        query,
        signal,
        resolve: (read) => {
          settle();
          resolve(read);
        },
        reject: (error) => {
          settle();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      };
      const key = `${from}:${to}`;
      let batch = this.open.get(key);
      if (
        batch &&
        (batch.members.length >= this.options.maxQueries ||
          batch.chars + query.length + 1 > this.options.maxChars)
      ) {
        this.flush(key, batch);
        batch = undefined;
      }
      if (!batch) {
        const created: Batch = { from, to, members: [], chars: 0 };
        created.timer = setTimeout(() => this.flush(key, created), this.options.lingerMs);
        this.open.set(key, created);
        batch = created;
      }
      batch.members.push(member);
      batch.chars += query.length + 1;
    });
  }

  private flush(key: string, batch: Batch): void {
    if (this.open.get(key) === batch) this.open.delete(key);
    clearTimeout(batch.timer);
    const members = batch.members.filter((m) => !m.signal.aborted);
    if (members.length === 0) return;
    void this.run(members, batch.from, batch.to);
  }

  private async run(members: readonly Member[], from: number, to: number): Promise<void> {
    const queries = [...new Set(members.map((m) => m.query))];
    // The request is abandoned only when every caller has given up.
    const all = new AbortController();
    let waiting = members.length;
    const listeners = members.map((m) => {
      const gaveUp = () => {
        waiting -= 1;
        if (waiting === 0) all.abort(m.signal.reason);
      };
      m.signal.addEventListener("abort", gaveUp, { once: true });
      return () => m.signal.removeEventListener("abort", gaveUp);
    });
    let answer: BatchedRead;
    try {
      answer = await this.send(queries, from, to, all.signal);
    } catch (error) {
      if (queries.length > 1 && queryFault(error)) return this.alone(members, from, to);
      for (const m of members) m.reject(error);
      return;
    } finally {
      for (const remove of listeners) remove();
    }
    if (queries.length > 1 && answer.value.status === "error") return this.alone(members, from, to);
    const charged = new Set<string>();
    for (const m of members) {
      const index = queries.indexOf(m.query);
      const series = (answer.value.series ?? []).filter((s) => (s.queryIndex ?? 0) === index);
      // The calls are charged once, to the first caller of the request.
      const calls = charged.size === 0 ? answer.calls : 0;
      charged.add(m.query);
      m.resolve({ value: { ...answer.value, query: m.query, series }, calls });
    }
  }

  /** Each query on its own request, after a batch the upstream refused as a whole. */
  private async alone(members: readonly Member[], from: number, to: number): Promise<void> {
    const byQuery = new Map<string, Member[]>();
    for (const m of members) byQuery.set(m.query, [...(byQuery.get(m.query) ?? []), m]);
    await Promise.all(
      [...byQuery].map(async ([query, group]) => {
        const signals = group.map((m) => m.signal);
        try {
          const read = await this.send([query], from, to, AbortSignal.any(signals));
          group.forEach((m, i) => m.resolve({ value: read.value, calls: i === 0 ? read.calls : 0 }));
        } catch (error) {
          for (const m of group) m.reject(error);
        }
      }),
    );
  }
}
