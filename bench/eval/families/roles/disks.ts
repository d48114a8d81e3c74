import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";

/** A filesystem: its use as a share 0–1, and/or bytes used (or free) against its total. */
export interface DiskRole {
  readonly name: string;
  readonly words: readonly string[];
  readonly share?: MetricRole;
  readonly used?: MetricRole;
  readonly free?: MetricRole;
  readonly total?: MetricRole;
  /** What fills: "disk" or "inodes". */
  readonly what: "disk" | "inodes";
}

export const DISKS: readonly DiskRole[] = [
  {
    name: "agent disk fraction",
    words: ["the disk", "disk space", "the volume"],
    share: catalogRole("system.disk.in_use"),
    what: "disk",
  },
  {
    name: "agent disk percent",
    words: ["the disk", "disk", "storage"],
    share: catalogRole("system.disk.utilized"),
    what: "disk",
  },
  {
    name: "agent disk bytes",
    words: ["the disk", "disk space", "the data volume"],
    used: catalogRole("system.disk.used"),
    total: catalogRole("system.disk.total"),
    what: "disk",
  },
  {
    name: "agent disk free",
    words: ["the disk", "free space", "the volume"],
    free: catalogRole("system.disk.free"),
    total: catalogRole("system.disk.total"),
    what: "disk",
  },
  {
    name: "kubernetes pod filesystem",
    words: ["the pod's disk", "the volume", "ephemeral storage"],
    share: catalogRole("kubernetes.filesystem.usage_pct"),
    used: catalogRole("kubernetes.filesystem.usage"),
    what: "disk",
  },
  {
    name: "kubernetes node filesystem",
    words: ["the node disk", "the disk"],
    share: catalogRole("kubernetes.node.filesystem.usage_pct"),
    what: "disk",
  },
  {
    name: "otel filesystem",
    words: ["the filesystem", "the disk"],
    share: ownRole("system.filesystem.utilization", "otel", { unit: "fraction", metric_type: "gauge" }),
    used: catalogRole("otel.system.filesystem.usage"),
    what: "disk",
  },
  {
    name: "inodes",
    words: ["inodes", "the filesystem"],
    share: catalogRole("system.fs.inodes.in_use"),
    what: "inodes",
  },
];
