import {
  EMPTY_USAGE,
  PHASES,
  type JobError,
  type JobRequest,
  type JobStatus,
  type Phase,
  type ServiceScope,
  type Usage,
} from "@orch/core";
import type { PhaseOutputs, StoredJob } from "./job-record.js";
import { checkRecord } from "./record-schema.js";

const USAGE_FIELDS = Object.keys(EMPTY_USAGE) as ReadonlyArray<keyof Usage>;

/** Record field prefix of a phase's own work time in ms (`work_ms:planning`), set with its output. */
export const PHASE_MS_FIELD = "work_ms:";

/**
 * A job as read from Redis: its record hash, its step count, and the raw JSON of the outputs that
 * were loaded (phases not loaded, or not saved, are absent). Throws UnreadableRecord for a record
 * of a newer schema version, or one without what every record holds.
 */
export function parseStoredJob(
  hash: Readonly<Record<string, string>>,
  stepCount: number,
  outputs: ReadonlyMap<Phase, string>,
): StoredJob {
  checkRecord(hash);
  const usage = Object.fromEntries(
    USAGE_FIELDS.map((f) => [f, Number(hash[`u:${f}`] ?? 0)]),
  ) as unknown as Usage;
  const parsed: Partial<Record<Phase, unknown>> = {};
  for (const [phase, text] of outputs) parsed[phase] = JSON.parse(text) as unknown;
  const runs = Object.fromEntries(PHASES.map((p) => [p, Number(hash[`runs:${p}`] ?? 0)])) as Record<
    Phase,
    number
  >;
  const phaseMs = Object.fromEntries(
    PHASES.filter((p) => hash[`${PHASE_MS_FIELD}${p}`] !== undefined).map((p) => [
      p,
      Number(hash[`${PHASE_MS_FIELD}${p}`]),
    ]),
  ) as Partial<Record<Phase, number>>;
  const roundMs = Object.fromEntries(
    Object.entries(hash)
      .filter(([field]) => field.startsWith(PHASE_MS_FIELD) && /-\d+$/.test(field))
      .map(([field, value]) => [field.slice(PHASE_MS_FIELD.length), Number(value)]),
  );
  const roundRuns = Object.fromEntries(
    Object.entries(hash)
      .filter(([field]) => /^runs:\w+-\d+$/.test(field))
      .map(([field, value]) => [field.slice("runs:".length), Number(value)]),
  );
  return {
    id: hash.id ?? "",
    owner: hash.owner ?? "",
    status: (hash.status ?? "queued") as JobStatus,
    ...(hash.phase ? { phase: hash.phase as Phase } : {}),
    request: JSON.parse(hash.request ?? "{}") as JobRequest,
    created_at: hash.created_at ?? "",
    updated_at: hash.updated_at ?? "",
    ...(hash.started_at ? { started_at: hash.started_at } : {}),
    ...(hash.finished_at ? { finished_at: hash.finished_at } : {}),
    deadline_ms: Number(hash.deadline_ms ?? 0),
    schema: Number(hash.schema ?? 1),
    outputs: parsed as PhaseOutputs,
    saved: PHASES.filter((p) => hash[`saved:${p}`] !== undefined),
    ...(hash.error ? { error: JSON.parse(hash.error) as JobError } : {}),
    usage: { ...EMPTY_USAGE, ...usage },
    ...(hash.reasoner ? { reasoner: hash.reasoner } : {}),
    ...(hash.data_source ? { data_source: hash.data_source } : {}),
    ...(hash.callback_url ? { callback_url: hash.callback_url } : {}),
    ...(hash.alert_recovered_at ? { alert_recovered_at: hash.alert_recovered_at } : {}),
    ...(hash.service_scope ? { service_scope: JSON.parse(hash.service_scope) as ServiceScope } : {}),
    runs,
    round: Number(hash.round ?? 1),
    round_runs: roundRuns,
    round_ms: roundMs,
    phase_ms: phaseMs,
    step_count: stepCount,
  };
}
