import { setFlagsFromString } from "node:v8";

/** Old space grows by at most this share over the live data before V8 collects it. */
const HEAP_GROWING_PERCENT = 50;

/**
 * Keeps a long-running process's heap near its live data. By default V8 lets the old space grow
 * to several times the live set between full collections: a worker churning through series held
 * 200 MB of RSS for 25 MB of live objects. Capping the growth at 50 % brought it to about 140 MB
 * for 4 % less throughput (BENCHMARKS.md). A `--heap-growing-percent` on the command line wins.
 */
export function tuneHeap(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg.startsWith("--heap-growing-percent"))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * glibc malloc arenas of a worker process (its default: up to 8 per core). Brotli on libuv's
 * threads and V8's compiler and GC threads each take an arena of their own and keep its high-water
 * mark, idle or not. In one arena those peaks reuse the same free memory: about 20 MB less RSS
 * after a batch for no measurable CPU (docs/operations.md, "Worker memory").
 */
const WORKER_MALLOC_ARENAS = 1;

/**
 * The environment a worker process is started with to keep its memory small. glibc reads it once,
 * when the process starts, so the process cannot set it for itself as tuneHeap does: whatever
 * starts a worker (the supervisor, the benchmark) adds it. A MALLOC_ARENA_MAX already in `env` wins.
 */
export function workerMemoryEnv(env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string>> {
  return env.MALLOC_ARENA_MAX !== undefined ? {} : { MALLOC_ARENA_MAX: String(WORKER_MALLOC_ARENAS) };
}
