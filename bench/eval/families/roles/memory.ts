import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";

/** A process's or container's memory: bytes used, its limit, or its use as a share 0–1. */
export interface MemoryRole {
  readonly name: string;
  readonly words: readonly string[];
  readonly used: MetricRole;
  readonly limit?: MetricRole;
  /** Use as a share of the limit, when it is reported that way instead of bytes. */
  readonly share?: MetricRole;
  /** Whether a garbage-collected heap (a sawtooth is normal there). */
  readonly heap: boolean;
  /** Limits such processes get, bytes. */
  readonly size: readonly [number, number];
}

const GIB = 1024 ** 3;
const runtime = (metric: string, source: string) =>
  ownRole(metric, source, { unit: "byte", metric_type: "gauge" });

export const MEMORY: readonly MemoryRole[] = [
  {
    name: "jvm heap",
    words: ["the heap", "the jvm", "memory"],
    used: runtime("jvm.heap_memory", "apm runtime"),
    limit: runtime("jvm.heap_memory_max", "apm runtime"),
    heap: true,
    size: [1 * GIB, 8 * GIB],
  },
  {
    name: "elasticsearch heap",
    words: ["the heap", "elasticsearch", "memory"],
    used: catalogRole("jvm.mem.heap_used"),
    limit: catalogRole("jvm.mem.heap_max"),
    heap: true,
    size: [2 * GIB, 31 * GIB],
  },
  {
    name: "node heap",
    words: ["the node heap", "memory", "the heap"],
    used: runtime("runtime.node.heap.used_heap_size", "apm runtime"),
    limit: runtime("runtime.node.heap.heap_size_limit", "apm runtime"),
    heap: true,
    size: [0.5 * GIB, 4 * GIB],
  },
  {
    name: "go heap",
    words: ["memory", "the go heap"],
    used: runtime("runtime.go.mem_stats.heap_alloc", "apm runtime"),
    heap: true,
    size: [0.25 * GIB, 4 * GIB],
  },
  {
    name: "kubernetes container",
    words: ["memory", "the pod", "the container"],
    used: catalogRole("kubernetes.memory.working_set"),
    limit: catalogRole("kubernetes.memory.limits"),
    heap: false,
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "kubernetes share",
    words: ["memory", "the pod"],
    used: catalogRole("kubernetes.memory.usage"),
    share: catalogRole("kubernetes.memory.usage_pct"),
    heap: false,
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "docker",
    words: ["memory", "the container"],
    used: catalogRole("docker.mem.rss"),
    limit: catalogRole("docker.mem.limit"),
    heap: false,
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "containerd",
    words: ["memory", "the container"],
    used: catalogRole("containerd.mem.current.usage"),
    limit: catalogRole("containerd.mem.current.limit"),
    heap: false,
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "process",
    words: ["memory", "rss", "the process"],
    used: catalogRole("system.processes.mem.rss"),
    heap: false,
    size: [0.5 * GIB, 16 * GIB],
  },
  {
    name: "mongodb",
    words: ["mongo", "memory", "mongod"],
    // Reported in mebibytes.
    used: catalogRole("mongodb.mem.resident"),
    heap: false,
    size: [2 * GIB, 64 * GIB],
  },
  {
    name: "otel jvm",
    words: ["the heap", "jvm memory", "memory"],
    used: runtime("jvm.memory.used", "otel"),
    limit: runtime("jvm.memory.limit", "otel"),
    heap: true,
    size: [1 * GIB, 8 * GIB],
  },
  {
    name: "otel host",
    words: ["memory", "host memory"],
    used: runtime("system.memory.usage", "otel"),
    share: ownRole("system.memory.utilization", "otel", { unit: "fraction", metric_type: "gauge" }),
    heap: false,
    size: [4 * GIB, 64 * GIB],
  },
];
