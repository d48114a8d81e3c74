import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";

/** CPU as a share 0–1 of what the host or container may use (nanocores speak cores). */
export const CPUS: readonly MetricRole[] = [
  ownRole("system.cpu.user", "agent", { unit: "percent", metric_type: "gauge" }),
  catalogRole("docker.cpu.usage"),
  ownRole("system.cpu.utilization", "otel", { unit: "fraction", metric_type: "gauge" }),
  ownRole("container.cpu.usage", "agent", { unit: "nanocore", metric_type: "gauge" }),
  catalogRole("kubernetes.cpu.usage.total"),
];

/** Whether a CPU role speaks cores (nanocores) rather than a share. */
export function cpuInCores(role: MetricRole): boolean {
  return role.unit === "nanocore";
}

/** Container restarts, a running count per container that Kubernetes reports as a gauge. */
export const RESTARTS: readonly MetricRole[] = [
  catalogRole("kubernetes.containers.restarts", { reading: "gauge", integer: true }),
  catalogRole("kubernetes_state.container.restarts", { reading: "gauge", integer: true }),
];

/** 1 while a container waits (CrashLoopBackOff, ImagePullBackOff), summed over containers. */
export const WAITING = catalogRole("kubernetes_state.container.waiting", { integer: true });

/** Running containers of the service. */
export const RUNNING = catalogRole("kubernetes_state.container.running", { integer: true });
