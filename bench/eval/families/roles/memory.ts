import type { DrawRandom } from "../draw-random.js";
import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";

/** Runtimes whose heaps report metrics of their own. */
export type Runtime = "jvm" | "node" | "go";

/** A process's or container's memory: bytes used, its limit, or its use as a share 0–1. */
export interface MemoryRole {
  readonly name: string;
  readonly words: readonly string[];
  readonly used: MetricRole;
  readonly limit?: MetricRole;
  /** Use as a share of the limit, when it is reported that way instead of bytes. */
  readonly share?: MetricRole;
  /** The language runtime whose heap this is; absent for a container's, process's or host's memory. */
  readonly runtime?: Runtime;
  /** Limits such processes get, bytes. */
  readonly size: readonly [number, number];
}

const GIB = 1024 ** 3;
const bytes = (metric: string, source: string) =>
  ownRole(metric, source, { unit: "byte", metric_type: "gauge" });

export const MEMORY: readonly MemoryRole[] = [
  {
    name: "jvm heap",
    words: ["the heap", "the jvm", "memory"],
    used: bytes("jvm.heap_memory", "apm runtime"),
    limit: bytes("jvm.heap_memory_max", "apm runtime"),
    runtime: "jvm",
    size: [1 * GIB, 8 * GIB],
  },
  {
    name: "elasticsearch heap",
    words: ["the heap", "elasticsearch", "memory"],
    used: catalogRole("jvm.mem.heap_used"),
    limit: catalogRole("jvm.mem.heap_max"),
    runtime: "jvm",
    size: [2 * GIB, 31 * GIB],
  },
  {
    name: "node heap",
    words: ["the node heap", "memory", "the heap"],
    used: bytes("runtime.node.heap.used_heap_size", "apm runtime"),
    limit: bytes("runtime.node.heap.heap_size_limit", "apm runtime"),
    runtime: "node",
    size: [0.5 * GIB, 4 * GIB],
  },
  {
    name: "go heap",
    words: ["memory", "the go heap"],
    used: bytes("runtime.go.mem_stats.heap_alloc", "apm runtime"),
    runtime: "go",
    size: [0.25 * GIB, 4 * GIB],
  },
  {
    name: "kubernetes container",
    words: ["memory", "the pod", "the container"],
    used: catalogRole("kubernetes.memory.working_set"),
    limit: catalogRole("kubernetes.memory.limits"),
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "kubernetes share",
    words: ["memory", "the pod"],
    used: catalogRole("kubernetes.memory.usage"),
    share: catalogRole("kubernetes.memory.usage_pct"),
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "docker",
    words: ["memory", "the container"],
    used: catalogRole("docker.mem.rss"),
    limit: catalogRole("docker.mem.limit"),
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "containerd",
    words: ["memory", "the container"],
    used: catalogRole("containerd.mem.current.usage"),
    limit: catalogRole("containerd.mem.current.limit"),
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "process",
    words: ["memory", "rss", "the process"],
    used: catalogRole("system.processes.mem.rss"),
    size: [0.5 * GIB, 16 * GIB],
  },
  {
    name: "mongodb",
    words: ["mongo", "memory", "mongod"],
    // Reported in mebibytes.
    used: catalogRole("mongodb.mem.resident"),
    size: [2 * GIB, 64 * GIB],
  },
  {
    name: "otel jvm",
    words: ["the heap", "jvm memory", "memory"],
    used: bytes("jvm.memory.used", "otel"),
    limit: bytes("jvm.memory.limit", "otel"),
    runtime: "jvm",
    size: [1 * GIB, 8 * GIB],
  },
  {
    name: "otel host",
    words: ["memory", "host memory"],
    used: bytes("system.memory.usage", "otel"),
    share: ownRole("system.memory.utilization", "otel", { unit: "fraction", metric_type: "gauge" }),
    size: [4 * GIB, 64 * GIB],
  },
];

/** A memory role a service of that runtime could report: its own heap's, or any container's or host's. */
export function drawMemory(r: DrawRandom, runtime: Runtime | undefined, withLimit = false): MemoryRole {
  const fits = MEMORY.filter(
    (m) => (m.runtime === undefined || m.runtime === runtime) && (!withLimit || m.limit !== undefined),
  );
  return r.pick(fits);
}
