import { RUNNING_STATUS, type Phase } from "@orch/core";
import {
  UnreadableRecord,
  jobAfterSave,
  type BeginResult,
  type EncodedOutput,
  type JobStore,
  type PhaseSaveRequest,
  type PhaseSlot,
  type StoredJob,
} from "@orch/queue";

/** The saved outputs each phase reads: only feedback needs the (large) evidence. */
export const PHASE_INPUTS: Readonly<Record<Phase, readonly Phase[]>> = {
  planning: [],
  execution: ["planning"],
  feedback: ["planning", "execution"],
};

/** A phase to run inline once a save landed; with a handoff when the save also claimed it. */
export interface InlineNext {
  readonly phase: Phase;
  readonly round: number;
  readonly handoff?: Handoff;
}

/**
 * A phase's claim and its job (undefined when the record is gone; UnreadableRecord when damaged):
 * claimed and read by the phase itself, or handed over by the save before it — the claim made in
 * the save's script, and the job as the save left it, from memory.
 */
export interface Handoff {
  readonly begin: BeginResult;
  readonly job: StoredJob | UnreadableRecord | undefined;
}

/**
 * Claims a phase and reads its job, in one round trip (Redis runs them in order); the job is only
 * used when the claim succeeds. A round after the first also reads the rounds before it.
 */
export async function claimPhase(store: JobStore, phase: Phase, id: string, round: number): Promise<Handoff> {
  const [begin, job] = await Promise.all([
    store.beginPhase(id, phase, RUNNING_STATUS[phase], round),
    store.get(id, PHASE_INPUTS[phase], round > 1).catch((error: unknown) => {
      if (error instanceof UnreadableRecord) return error;
      throw error;
    }),
  ]);
  return { begin, job };
}

/** A phase's finished run, ready to save. */
export interface FinishedRun {
  readonly id: string;
  readonly job: StoredJob;
  readonly save: PhaseSaveRequest & {
    readonly output: EncodedOutput;
    readonly fields: Readonly<Record<string, string>>;
    readonly slot: PhaseSlot;
  };
  /** Now, ISO. */
  readonly at: string;
}

/**
 * Whether the job, once `run` saved, holds every output `next` reads (a run that read its job
 * from Redis loaded only its own inputs): then `next` can be handed it, with no read.
 */
function carriesInputs(run: FinishedRun, next: Phase): boolean {
  const { phase, slot } = run.save;
  const saves = slot.round === 1 && slot.drillRound === undefined ? phase : undefined;
  return PHASE_INPUTS[next].every((input) => input === saves || run.job.outputs[input] !== undefined);
}

/**
 * Saves `run` for a next phase this process runs at once. Its script also claims the next phase
 * when the job carries its inputs, and the next phase is handed the job from memory: no claim and
 * no read of its own (one round trip instead of two, and no decompression). The saved copy is in
 * Redis before the next phase starts, so a crash from here on redelivers `run`'s BullMQ job, which
 * finds its output saved and chains the next phase. Resolves to the next phase, or undefined when
 * the save was refused (the job ended, or the phase was saved already).
 */
export async function saveForInline(
  store: JobStore,
  run: FinishedRun,
  next: { readonly phase: Phase; readonly round: number },
): Promise<InlineNext | undefined> {
  const { id, save } = run;
  const { phase, output, steps, usage, fields, slot } = save;
  const claim = { ...next, status: RUNNING_STATUS[next.phase] };
  if (!carriesInputs(run, next.phase)) {
    const saved = await store.completePhase(id, phase, output, steps, usage, claim.status, fields, slot);
    return saved ? next : undefined;
  }
  const begin = await store.completeAndBegin(id, save, claim);
  if (!begin) return undefined;
  const job =
    begin.state === "started"
      ? jobAfterSave(
          run.job,
          {
            phase,
            ...slot,
            output: output.parsed(),
            usage,
            stepCount: steps.length,
            fields,
            at: run.at,
          },
          { ...claim, runs: begin.runs },
        )
      : run.job;
  return { ...next, handoff: { begin, job } };
}
