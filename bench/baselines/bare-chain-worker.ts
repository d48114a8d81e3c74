import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";

/**
 * Pipeline baseline: three BullMQ queues chained by no-op processors (a → b → c), each stage
 * adding the next with a deterministic id, like the phases do. CONCURRENCY per queue and the
 * retention match the service's phase workers; finished chains are counted in `bare:done`.
 * REDIS_URL from the environment.
 */
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const prefix = "{bare}";
const connection = new Redis(url, { maxRetriesPerRequest: null });
const retention = {
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 50_000 },
};
const next: Record<string, Queue | undefined> = {
  chain_a: new Queue("chain_b", { connection, prefix }),
  chain_b: new Queue("chain_c", { connection, prefix }),
  chain_c: undefined,
};
const workers = Object.entries(next).map(
  ([name, to]) =>
    new Worker<{ id: string }>(
      name,
      async (job) => {
        if (to)
          await to.add(to.name, { id: job.data.id }, { jobId: `${job.data.id}-${to.name}`, ...retention });
        // The end of a chain is counted where the benchmark can read it cheaply.
        else await connection.incr("bare:done");
      },
      { connection, prefix, concurrency },
    ),
);
process.once("SIGTERM", () => {
  void Promise.all(workers.map((w) => w.close()))
    .then(() => Promise.all(Object.values(next).flatMap((q) => (q ? [q.close()] : []))))
    .then(() => connection.quit());
});
