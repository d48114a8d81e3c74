import type { Redis } from "ioredis";
import type { ConversationMessage } from "@orch/core";
import { globalKeys } from "./job-keys.js";

export interface SessionStoreOptions {
  readonly retentionSeconds: number;
  readonly maxMessages: number;
  readonly now?: () => number;
}

/**
 * A session's conversation (question, answer, job id), kept per owner: the owner is part of the
 * key, so two clients choosing the same session id never see each other's history.
 */
export class SessionStore {
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly options: SessionStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  private key(owner: string, sessionId: string): string {
    return globalKeys.sessionMessages(`${owner}:${sessionId}`);
  }

  /** The last `limit` messages, oldest first. */
  async messages(
    owner: string,
    sessionId: string,
    limit = this.options.maxMessages,
  ): Promise<ConversationMessage[]> {
    const raw = await this.redis.lrange(this.key(owner, sessionId), -Math.max(1, limit), -1);
    return raw.map((m) => JSON.parse(m) as ConversationMessage);
  }

  async exists(owner: string, sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(owner, sessionId))) === 1;
  }

  /**
   * Appends a question and its answer for a job, once: a repeated call for the same job (a
   * phase re-run after a crash) finds the job already recorded and does nothing.
   */
  async recordExchange(
    owner: string,
    sessionId: string,
    jobId: string,
    question: string,
    answer: string,
  ): Promise<boolean> {
    const key = this.key(owner, sessionId);
    const recent = await this.redis.lrange(key, -this.options.maxMessages, -1);
    if (recent.some((m) => (JSON.parse(m) as ConversationMessage).job_id === jobId)) return false;
    const at = new Date(this.now()).toISOString();
    const user: ConversationMessage = { role: "user", content: question, job_id: jobId, at };
    const assistant: ConversationMessage = { role: "assistant", content: answer, job_id: jobId, at };
    await this.redis
      .multi()
      .rpush(key, JSON.stringify(user), JSON.stringify(assistant))
      .ltrim(key, -this.options.maxMessages, -1)
      .expire(key, this.options.retentionSeconds)
      .exec();
    return true;
  }
}
