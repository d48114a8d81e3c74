/**
 * Lua scripts of the job store, one `.lua` file each in `lua/` (its header names its KEYS and
 * ARGV). Each touches only one job's keys (one hash tag), checks the record's state and writes
 * atomically, so concurrent or repeated phase runs cannot both win.
 */

import { LuaScript } from "./lua-script.js";

const script = (name: string) => LuaScript.fromFile(new URL(`./lua/${name}.lua`, import.meta.url));

export const BEGIN_PHASE = script("begin-phase");
export const COMPLETE_PHASE = script("complete-phase");
export const END_JOB = script("end-job");
export const EMIT_EVENTS = script("emit-events");
export const CREATE_JOB = script("create-job");
export const INDEX_OWNER_JOB = script("index-owner-job");
