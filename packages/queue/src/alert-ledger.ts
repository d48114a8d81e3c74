import type { RedisClient } from "./redis-connection.js";
import { jobKeys } from "./job-keys.js";
import { LuaScript } from "./lua-script.js";

export interface AlertLedgerOptions {
  /** How long a notification is remembered (a repeat within it is a duplicate). */
  readonly dedupeSeconds: number;
  /** At most one job per monitor within this period. */
  readonly flapSeconds: number;
  /** How long a monitor's last job is remembered, for its recovery. */
  readonly retentionSeconds: number;
}

const SET_IF_EXISTS = LuaScript.fromFile(new URL("./lua/set-if-exists.lua", import.meta.url));

/**
 * What the alert intake remembers per owner: notifications seen (each Datadog event once, however
 * often it is delivered), the job a monitor started last (its recovery is recorded there), and
 * the flap period during which a monitor starts no other job.
 */
export class AlertLedger {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: AlertLedgerOptions,
  ) {
    void SET_IF_EXISTS.define(redis);
  }

  private key(owner: string, kind: string, id: string): string {
    return `orch:alert:{${owner}}:${kind}:${id}`;
  }

  /** Claims a notification; returns what an earlier claim of it stored ("" for no job), or undefined if first. */
  async claim(owner: string, notification: string): Promise<string | undefined> {
    const key = this.key(owner, "seen", notification);
    const claimed = await this.redis.set(key, "", "EX", this.options.dedupeSeconds, "NX");
    return claimed === "OK" ? undefined : ((await this.redis.get(key)) ?? "");
  }

  /** Binds a claimed notification to its job, so a repeat names it. */
  async bind(owner: string, notification: string, jobId: string): Promise<void> {
    await this.redis.set(this.key(owner, "seen", notification), jobId, "EX", this.options.dedupeSeconds);
  }

  /** Frees a claim whose handling failed: the sender's retry is then handled afresh. */
  async release(owner: string, notification: string): Promise<void> {
    await this.redis.del(this.key(owner, "seen", notification));
  }

  /** Takes the monitor's flap slot for `jobId`; returns the job holding it when another does. */
  async claimMonitor(owner: string, monitorId: number, jobId: string): Promise<string | undefined> {
    if (this.options.flapSeconds === 0) return undefined;
    const key = this.key(owner, "flap", String(monitorId));
    const claimed = await this.redis.set(key, jobId, "EX", this.options.flapSeconds, "NX");
    return claimed === "OK" ? undefined : ((await this.redis.get(key)) ?? undefined);
  }

  async releaseMonitor(owner: string, monitorId: number, jobId: string): Promise<void> {
    const key = this.key(owner, "flap", String(monitorId));
    if ((await this.redis.get(key)) === jobId) await this.redis.del(key);
  }

  /** Remembers the monitor's latest job. */
  async rememberJob(owner: string, monitorId: number, jobId: string): Promise<void> {
    const key = this.key(owner, "job", String(monitorId));
    await this.redis.set(key, jobId, "EX", this.options.retentionSeconds);
  }

  async lastJob(owner: string, monitorId: number): Promise<string | undefined> {
    return (await this.redis.get(this.key(owner, "job", String(monitorId)))) ?? undefined;
  }

  /** Notes on a job's record that its alert recovered; false when the record is gone. */
  async recordRecovery(jobId: string, at: string): Promise<boolean> {
    return (await SET_IF_EXISTS.run(this.redis, [jobKeys.record(jobId)], ["alert_recovered_at", at])) === 1;
  }
}
