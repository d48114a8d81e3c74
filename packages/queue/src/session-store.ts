import type { Redis } from "ioredis";
import type { ConversationMessage } from "@orch/core";
import { globalKeys } from "./job-keys.js";
import { LuaScript } from "./lua-script.js";

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

/** KEYS: the session list. ARGV: job id, user json, assistant json, max messages, ttl s. */
const RECORD_EXCHANGE = new LuaScript(`
local found = false
for i, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, m = pcall(cjson.decode, item)
  if ok and m.job_id == ARGV[1] then
    found = true
    if m.role == 'assistant' then redis.call('LSET', KEYS[1], i - 1, ARGV[3]) end
  end
end
if not found then
  redis.call('RPUSH', KEYS[1], ARGV[2], ARGV[3])
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[4]), -1)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
if found then return 0 end
return 1
`);

/** KEYS: the session list. ARGV: job id. */
const REMOVE_EXCHANGE = new LuaScript(`
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, m = pcall(cjson.decode, item)
  if ok and m.job_id == ARGV[1] then redis.call('LREM', KEYS[1], 1, item) end
end
return 1
`);
