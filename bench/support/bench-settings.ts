/** How long and how big a run is: `--quick` for a smoke run of a few minutes. */
export interface BenchSettings {
  readonly quick: boolean;
  /** Alternating baseline/service rounds of each load test. */
  readonly rounds: number;
  /** Seconds of load per round. */
  readonly loadSeconds: number;
  /** Jobs per pipeline batch (two batches: throughput and the memory leak check). */
  readonly batchJobs: number;
  /** Sequential requests of the added-latency benchmark. */
  readonly latencyRequests: number;
  /** Jobs per burst of the cache benchmark. */
  readonly burst: number;
  /** BullMQ concurrency per phase queue, for the service and the bare chain alike. */
  readonly concurrency: number;
  /** Jobs of each run of the crash-storm benchmark (no faults, then a SIGKILL storm). */
  readonly stormJobs: number;
  /** Seconds between two SIGKILLs of a worker process in the storm. */
  readonly killEverySeconds: number;
}

export function benchSettings(quick: boolean): BenchSettings {
  return quick
    ? {
        quick,
        rounds: 1,
        loadSeconds: 4,
        batchJobs: 500,
        latencyRequests: 40,
        burst: 20,
        concurrency: 8,
        stormJobs: 400,
        killEverySeconds: 5,
      }
    : {
        quick,
        rounds: 3,
        loadSeconds: 10,
        batchJobs: 5000,
        latencyRequests: 200,
        burst: 50,
        concurrency: 8,
        stormJobs: 1500,
        killEverySeconds: 5,
      };
}
