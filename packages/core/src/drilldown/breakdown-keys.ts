/**
 * Which tag keys answer "which endpoint / host / pod / version / zone / dependency": Datadog's
 * standard tags first (APM's `resource_name`, the agent's `host`, Kubernetes' `pod_name`,
 * unified service tagging's `version`, the cloud's `availability-zone`, APM's `peer.service`),
 * then common spellings. Only keys a metric really has are ever read.
 */
export const BREAKDOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  endpoint: ["resource_name", "http.route", "route", "endpoint", "http.path"],
  version: ["version"],
  host: ["host"],
  pod: ["pod_name", "kube_deployment", "container_name"],
  zone: ["availability-zone", "availability_zone", "zone", "region"],
  dependency: ["peer.service", "peer.hostname", "out.host"],
};

/** Breakdowns in the order they are tried when the question names none. */
export const BREAKDOWN_ORDER: readonly string[] = [
  "endpoint",
  "version",
  "host",
  "pod",
  "zone",
  "dependency",
];

/** The breakdown a tag key answers ("resource_name" → "endpoint"), or undefined for other keys. */
export function breakdownOf(key: string): string | undefined {
  return Object.entries(BREAKDOWN_KEYS).find(([, keys]) => keys.includes(key))?.[0];
}

/** The distinct keys of `key:value` tags, without the scope's own keys (service, env). */
export function tagKeys(tags: readonly string[], scopeKeys: ReadonlySet<string>): string[] {
  const keys = new Set<string>();
  for (const tag of tags) {
    const at = tag.indexOf(":");
    if (at <= 0) continue;
    const key = tag.slice(0, at);
    if (!scopeKeys.has(key)) keys.add(key);
  }
  return [...keys];
}

/**
 * The keys to group by, best first: the breakdowns in `order`, each by its first key the metric
 * has. Keys that answer no breakdown are left out (their meaning is unknown).
 */
export function breakdownKeysOf(
  keys: readonly string[],
  order: readonly string[],
): Array<{ key: string; breakdown: string }> {
  const have = new Set(keys);
  const out: Array<{ key: string; breakdown: string }> = [];
  for (const breakdown of order) {
    const key = (BREAKDOWN_KEYS[breakdown] ?? []).find((k) => have.has(k));
    if (key) out.push({ key, breakdown });
  }
  return out;
}
