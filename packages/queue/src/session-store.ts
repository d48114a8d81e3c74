import type { RedisClient } from "./redis-connection.js";
import type { ConversationMessage } from "@orch/core";
import { globalKeys } from "./job-keys.js";
import { LuaScript } from "./lua-script.js";

export interface SessionStoreOptions {
  readonly retentionSeconds: number;
  readonly maxMessages: number;
  readonly now?: () => number;
}

/** Record and remove a job's exchange in a session list (see the files for KEYS and ARGV). */
const RECORD_EXCHANGE = LuaScript.fromFile(new URL("./lua/record-exchange.lua", import.meta.url));
const REMOVE_EXCHANGE = LuaScript.fromFile(new URL("./lua/remove-exchange.lua", import.meta.url));

/**
 * A session's conversation (question, answer, job id), kept per owner: the owner is part of the
 * key, so two clients choosing the same session id never see each other's history.
 */
export class SessionStore {
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: SessionStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    void RECORD_EXCHANGE.define(redis);
    void REMOVE_EXCHANGE.define(redis);
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

  /** The demo's anchor of the session's conversation (epoch ms), if one is kept. */
  async anchor(owner: string, sessionId: string): Promise<number | undefined> {
    const value = await this.redis.get(globalKeys.sessionAnchor(`${owner}:${sessionId}`));
    const anchor = value === null ? Number.NaN : Number(value);
    return Number.isFinite(anchor) ? anchor : undefined;
  }

  /** Keeps `anchor` as the conversation's demo anchor for `ttlMs`. */
  async keepAnchor(owner: string, sessionId: string, anchor: number, ttlMs: number): Promise<void> {
    await this.redis.set(globalKeys.sessionAnchor(`${owner}:${sessionId}`), String(anchor), "PX", ttlMs);
  }

  async exists(owner: string, sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(owner, sessionId))) === 1;
  }

  /**
   * Records a job's question and answer: appended the first time, the answer replaced when the
   * job is recorded again (a re-run whose answer is the one saved). Returns whether it appended.
   */
  async recordExchange(
    owner: string,
    sessionId: string,
    jobId: string,
    question: string,
    answer: string,
  ): Promise<boolean> {
    const at = new Date(this.now()).toISOString();
    const user: ConversationMessage = { role: "user", content: question, job_id: jobId, at };
    const assistant: ConversationMessage = { role: "assistant", content: answer, job_id: jobId, at };
    const appended = await RECORD_EXCHANGE.run(
      this.redis,
      [this.key(owner, sessionId)],
      [
        jobId,
        JSON.stringify(user),
        JSON.stringify(assistant),
        this.options.maxMessages,
        this.options.retentionSeconds,
      ],
    );
    return appended === 1;
  }

  /** Takes a job's exchange back out (the job was cancelled or failed after it was recorded). */
  async removeExchange(owner: string, sessionId: string, jobId: string): Promise<void> {
    await REMOVE_EXCHANGE.run(this.redis, [this.key(owner, sessionId)], [jobId]);
  }
}
