import { AppError, describeError } from "../errors.js";
import type { MetricMetadata } from "../evidence.js";
import type { MetricsSource } from "../ports.js";
import type { ServiceScope } from "../service-scope.js";
import { needsMetadata } from "./needs-metadata.js";

/** A metric's metadata as read for a step, and what the trace says of the read. */
export interface MetadataRead {
  readonly metadata?: MetricMetadata;
  /** Upstream calls the read took; counted once, on the first step that asked. */
  readonly upstream_calls: number;
  /** "metadata read: count, byte per second", "no metadata in the source", "metadata unavailable (…)". */
  readonly note: string;
}

function describe(metadata: MetricMetadata): string {
  const unit = metadata.unit ? `${metadata.unit}${metadata.per_unit ? ` per ${metadata.per_unit}` : ""}` : "";
  return [metadata.type, unit].filter(Boolean).join(", ") || "no type or unit set";
}

/**
 * The metadata reads of one execution: `read(metric)` reads a metric's metadata once (when
 * `needsMetadata` says so), shared by every step of that metric, and answers undefined for the
 * metrics that do not need it. A failed read is a note, never a failed step: the series stand
 * without it.
 */
export function metadataReader(
  source: MetricsSource,
  scope: ServiceScope,
  signal: AbortSignal,
): (metric: string) => Promise<MetadataRead | undefined> {
  const reads = new Map<string, Promise<MetadataRead>>();
  return async (metric) => {
    if (!needsMetadata(metric)) return undefined;
    const shared = reads.get(metric);
    if (shared) return { ...(await shared), upstream_calls: 0 };
    const read = source.metricMetadata(metric, scope, signal).then(
      ({ value, cache, upstream_calls }): MetadataRead => {
        const cached = cache === "hit" ? " (cached)" : "";
        return value
          ? { metadata: value, upstream_calls, note: `metadata read${cached}: ${describe(value)}` }
          : { upstream_calls, note: `no metadata in the source${cached}` };
      },
      (error: unknown): MetadataRead => {
        const code = error instanceof AppError ? `${error.code}: ` : "";
        return { upstream_calls: 0, note: `metadata unavailable (${code}${describeError(error)})` };
      },
    );
    reads.set(metric, read);
    return await read;
  };
}
