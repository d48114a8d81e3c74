import {
  EMPTY_USAGE,
  PHASES,
  addUsage,
  roundPhaseKey,
  type DrillDownPlan,
  type Evidence,
  type JobError,
  type JobRequest,
  type JobStatus,
  type Phase,
  type ServiceScope,
  type Usage,
} from "@orch/core";
import type { NextClaim, PhaseOutputs, StoredJob } from "./job-record.js";
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
    ...(hash.callback_url ? { callback_url: hash.callback_url } : {}),
    ...(hash.alert_recovered_at ? { alert_recovered_at: hash.alert_recovered_at } : {}),
    ...savedFields(hash),
    runs,
    round: Number(hash.round ?? 1),
    round_runs: roundRuns,
    step_count: stepCount,
    ...workTimes(hash),
  };
}

/** The record fields a phase's save may set (`fields` of `JobStore.completePhase`), parsed. */
function savedFields(
  fields: Readonly<Record<string, string>>,
): Pick<StoredJob, "reasoner" | "data_source" | "service_scope"> {
  return {
    ...(fields.reasoner ? { reasoner: fields.reasoner } : {}),
    ...(fields.data_source ? { data_source: fields.data_source } : {}),
    ...(fields.service_scope ? { service_scope: JSON.parse(fields.service_scope) as ServiceScope } : {}),
  };
}

/** The phases' own work times among `fields` (`work_ms:planning`, `work_ms:execution-2`). */
function workTimes(fields: Readonly<Record<string, string>>): Pick<StoredJob, "phase_ms" | "round_ms"> {
  const phaseMs = Object.fromEntries(
    PHASES.filter((p) => fields[`${PHASE_MS_FIELD}${p}`] !== undefined).map((p) => [
      p,
      Number(fields[`${PHASE_MS_FIELD}${p}`]),
    ]),
  ) as Partial<Record<Phase, number>>;
  const roundMs = Object.fromEntries(
    Object.entries(fields)
      .filter(([field]) => field.startsWith(PHASE_MS_FIELD) && /-\d+$/.test(field))
      .map(([field, value]) => [field.slice(PHASE_MS_FIELD.length), Number(value)]),
  );
  return { phase_ms: phaseMs, round_ms: roundMs };
}

/** A phase's save, as `jobAfterSave` applies it to the record. */
export interface PhaseSave {
  readonly phase: Phase;
  readonly round: number;
  /** A feedback that asked for this round: its output is the round's drill-down plan. */
  readonly drillRound?: number;
  /** The output as a read parses it. */
  readonly output: unknown;
  readonly usage: Partial<Usage>;
  readonly stepCount: number;
  readonly fields: Readonly<Record<string, string>>;
  /** The save's time, ISO. */
  readonly at: string;
}

/** The claim a save made of the next phase (`JobStore.completeAndBegin`), with the run it counted. */
export type PhaseClaim = NextClaim & { readonly runs: number };

/**
 * The job as a save and the claim made with it left the record, with the outputs `job` carried
 * plus the saved one: what `JobStore.get` would read back, without the round trip, the
 * decompression and the parse of the record.
 */
export function jobAfterSave(job: StoredJob, save: PhaseSave, claim: PhaseClaim): StoredJob {
  const times = workTimes(save.fields);
  const claimKey = roundPhaseKey(claim.phase, claim.round);
  return {
    ...job,
    ...savedFields(save.fields),
    status: claim.status,
    phase: claim.phase,
    round: claim.round,
    updated_at: save.at,
    outputs: outputsAfterSave(job.outputs, save),
    saved: save.round === 1 && !job.saved.includes(save.phase) ? [...job.saved, save.phase] : job.saved,
    usage: addUsage(job.usage, save.usage),
    runs: claim.round === 1 ? { ...job.runs, [claim.phase]: claim.runs } : job.runs,
    round_runs: claim.round === 1 ? job.round_runs : { ...job.round_runs, [claimKey]: claim.runs },
    phase_ms: { ...job.phase_ms, ...times.phase_ms },
    round_ms: { ...job.round_ms, ...times.round_ms },
    step_count: job.step_count + save.stepCount,
  };
}

/** The outputs after a save, as `JobStore.get` (and `parseRounds` for the rounds) reads them back. */
function outputsAfterSave(outputs: PhaseOutputs, save: PhaseSave): PhaseOutputs {
  // A drill-down plan waits for its round's reads; before round 2 no round was saved.
  if (save.drillRound !== undefined)
    return { ...outputs, rounds: outputs.rounds ?? [], drill_plan: save.output as DrillDownPlan };
  if (save.phase === "execution" && save.round > 1) {
    // The round's reads join the rounds, with the plan they ran.
    const { drill_plan: plan, ...rest } = outputs;
    if (!plan) return rest;
    return { ...rest, rounds: [...(rest.rounds ?? []), { plan, evidence: save.output as Evidence }] };
  }
  return { ...outputs, [save.phase]: save.output };
}
