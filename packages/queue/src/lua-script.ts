import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Cluster } from "ioredis";
import { isCluster, type RedisClient } from "./redis-connection.js";

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

const INCLUDE = /^--- @include "([^"]+)"$/gm;

/** A `.lua` file's source, each `--- @include "<path>"` line replaced by that file (relative to it, `.lua` implied). */
function readLua(file: URL, including: readonly string[] = []): string {
  if (including.includes(file.href)) throw new Error(`${file.pathname} includes itself`);
  return readFileSync(file, "utf8").replace(INCLUDE, (_, path: string) =>
    readLua(new URL(`${path}.lua`, file), [...including, file.href]).trimEnd(),
  );
}

/**
 * A Lua script run through ioredis' `defineCommand`: by its SHA (EVALSHA), sent again after a
 * Redis restart or SCRIPT FLUSH, and pipelined like any other command. Scripts live in `.lua`
 * files whose header names their KEYS and ARGV (`LuaScript.fromFile`).
 */
export class LuaScript {
  /** The command's name on a connection. */
  readonly name: string;
  private readonly sha: string;
  private readonly ready = new WeakSet<RedisClient>();
  private readonly defining = new WeakMap<RedisClient, Promise<void>>();

  constructor(
    readonly source: string,
    name?: string,
  ) {
    this.sha = createHash("sha1").update(source).digest("hex");
    this.name = name ?? `lua_${this.sha}`;
  }

  /** The script in `file` (e.g. `new URL("./lua/begin-phase.lua", import.meta.url)`), named after it. */
  static fromFile(file: URL): LuaScript {
    const base =
      file.pathname
        .split("/")
        .pop()
        ?.replace(/\.lua$/, "") ?? "";
    return new LuaScript(readLua(file), `orch_${base.replace(/\W/g, "_")}`);
  }

  run(redis: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    if (isCluster(redis)) return this.runOnCluster(redis, keys, args);
    const call = () =>
      (redis as unknown as Record<string, ScriptCommand>)[this.name]!.call(
        redis,
        keys.length,
        ...keys,
        ...args,
      );
    // Once defined, the call goes out in order with the turn's other commands (in its auto-pipeline
    // on a connection that has one).
    return this.ready.has(redis) ? call() : this.define(redis).then(call);
  }

  /**
   * In a Cluster, a defined command is auto-pipelined by its first argument (the key count), not
   * its first key, and lands in the wrong node's pipeline: EVALSHA is routed by its keys.
   */
  private async runOnCluster(
    redis: Cluster,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }

  /**
   * Defines the command on `redis` (once); the returned promise settles a turn later, when calls
   * may use it. Stores define their scripts when built, so calls never wait for it.
   */
  define(redis: RedisClient): Promise<void> {
    if (isCluster(redis)) return Promise.resolve();
    let defining = this.defining.get(redis);
    if (!defining) {
      redis.defineCommand(this.name, { lua: this.source });
      // An auto-pipeline opened earlier in this turn of the event loop lacks the new command and
      // would misalign its replies (ioredis#1931): it is used from the next turn on.
      defining = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.ready.add(redis);
      });
      this.defining.set(redis, defining);
    }
    return defining;
  }
}
