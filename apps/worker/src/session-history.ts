import type { Logger } from "pino";
import {
  AppError,
  CONVERSATION_HOLD_MS,
  conversationAnchor,
  describeError,
  type ConversationMessage,
  type StepDraft,
} from "@orch/core";
import type { BackendClient } from "@orch/backend";
import type { SessionStore, StoredJob } from "@orch/queue";
import type { ConversationAnchor, History } from "./phases/phase-deps.js";

/** A conversation's anchor is kept a little past its hold: a job asked within it may be planned later. */
const ANCHOR_TTL_MS = CONVERSATION_HOLD_MS + 10 * 60_000;

export interface SessionHistoryOptions {
  readonly sessions: SessionStore;
  /** The backend keeps the conversation too when BACKEND_API_URL is set. */
  readonly backend?: BackendClient;
  /** Messages handed to the reasoner. */
  readonly limit: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * The backend's conversation, then the orchestrator's own exchanges it does not have yet (posting
 * back happens after a job completes, so a follow-up asked at once would otherwise miss the
 * last answer).
 */
function merge(
  remote: readonly ConversationMessage[],
  local: readonly ConversationMessage[],
  limit: number,
): ConversationMessage[] {
  const known = new Set(remote.map((m) => m.job_id).filter((id): id is string => id !== undefined));
  // Only what came after the last exchange the backend has: older local messages it lacks are
  // older than its window, and appending them would put them out of order.
  let last = -1;
  local.forEach((m, i) => {
    if (m.job_id !== undefined && known.has(m.job_id)) last = i;
  });
  return [...remote, ...local.slice(last + 1)].slice(-Math.max(0, limit));
}

/**
 * A session's conversation: read for planning and answering, recorded when a job's answer is
 * ready. With a backend, its copy is read too (other channels may add to it) and each question
 * and answer is posted back; when it is down, the orchestrator's own copy keeps the job going.
 */
export class SessionHistory {
  private readonly now: () => number;

  constructor(private readonly options: SessionHistoryOptions) {
    this.now = options.now ?? Date.now;
  }

  async forJob(job: StoredJob, signal: AbortSignal): Promise<History> {
    const sessionId = job.request.session_id;
    if (!sessionId) return { messages: [], steps: [] };
    const { sessions, backend, limit } = this.options;
    const local = await sessions.messages(job.owner, sessionId, limit);
    if (!backend) return { messages: local, steps: [] };
    const started = this.now();
    const step = (status: "ok" | "error", summary: string, error?: string): StepDraft => ({
      kind: "tool",
      name: "backend.chat_messages",
      started_at: new Date(started).toISOString(),
      duration_ms: Math.max(0, this.now() - started),
      status,
      summary,
      ...(error ? { error } : {}),
    });
    try {
      const remote = await backend.getChatMessages(sessionId, { limit, client: job.owner }, signal);
      return {
        messages: merge(remote, local, limit),
        steps: [step("ok", `${remote.length} message(s) of session ${sessionId} from the backend`)],
      };
    } catch (error) {
      if (signal.aborted) throw error;
      const detail = error instanceof AppError ? `${error.code}: ${error.message}` : describeError(error);
      return {
        messages: local,
        steps: [
          step(
            "error",
            `the backend is unavailable; using the ${local.length} message(s) the orchestrator kept`,
            detail,
          ),
        ],
      };
    }
  }

  /**
   * The demo's anchor for a job of a session: the conversation's while the question comes within
   * its hold, else the question's own (returned with `keep`, to keep it for the questions after).
   */
  async demoAnchorFor(job: StoredJob): Promise<ConversationAnchor | undefined> {
    const sessionId = job.request.session_id;
    const askedAt = Date.parse(job.created_at);
    if (!sessionId || Number.isNaN(askedAt)) return undefined;
    const { sessions } = this.options;
    const current = await sessions.anchor(job.owner, sessionId);
    const anchor = conversationAnchor(current, askedAt);
    if (anchor === current) return { anchor };
    return { anchor, keep: () => sessions.keepAnchor(job.owner, sessionId, anchor, ANCHOR_TTL_MS) };
  }

  /**
   * Records a job's question and answer before the answer is saved, so that when the job reads
   * `completed` its session already holds the exchange (a follow-up sent then is planned with it).
   */
  async record(job: StoredJob, answer: string): Promise<void> {
    const sessionId = job.request.session_id;
    if (!sessionId) return;
    await this.options.sessions.recordExchange(
      job.owner,
      sessionId,
      job.id,
      job.request.user_message,
      answer,
    );
  }

  /**
   * An end hook: makes the session agree with how the job ended — the saved answer for a completed
   * job (a re-run may have recorded another before its save was refused), nothing for a job that
   * was cancelled or failed after its answer was recorded. Failures throw, to be retried.
   */
  async remember(job: StoredJob): Promise<void> {
    const sessionId = job.request.session_id;
    if (!sessionId) return;
    const result = job.outputs.feedback;
    if (job.status === "completed" && result) {
      await this.record(job, result.answer_markdown);
    } else {
      await this.options.sessions.removeExchange(job.owner, sessionId, job.id);
    }
  }

  /** Posts a completed job's question and answer to the backend; best effort (logged, never thrown). */
  async share(job: StoredJob): Promise<void> {
    const sessionId = job.request.session_id;
    const result = job.outputs.feedback;
    const { backend } = this.options;
    if (!sessionId || job.status !== "completed" || !result || !backend) return;
    const at = job.finished_at ?? new Date(this.now()).toISOString();
    const base = { job_id: job.id, service_id: job.request.service_id, client: job.owner, at };
    try {
      await backend.addMessage(sessionId, { ...base, role: "user", content: job.request.user_message });
      await backend.addMessage(sessionId, { ...base, role: "assistant", content: result.answer_markdown });
    } catch (error) {
      this.options.log.warn({ err: error, jobId: job.id }, "could not post the exchange to the backend");
    }
  }
}
