import { describe, expect, it } from "vitest";
import { workerMemoryEnv } from "../src/heap-tuning.js";

describe("workerMemoryEnv", () => {
  it("gives a worker one malloc arena", () => {
    expect(workerMemoryEnv({})).toEqual({ MALLOC_ARENA_MAX: "1" });
  });

  it("leaves an arena count already in the environment alone", () => {
    expect(workerMemoryEnv({ MALLOC_ARENA_MAX: "4" })).toEqual({});
  });
});
