import { afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { CapacityBoard, type CapacitySummary } from "@orch/queue";
import { jobsPerSecond } from "../../src/ops/admission-control.js";
import { eventually } from "../support/worker-process.js";
import { startOpsStack, type OpsStack } from "./support/ops-stack.js";

const body = JSON.stringify({ service_id: "checkout", user_message: "How is checkout doing?" });

describe("admission control: the deployment sheds load it could not serve in time", () => {
  let stack: OpsStack | undefined;
  let admin: Redis | undefined;

  afterEach(async () => {
    await admin?.quit();
    admin = undefined;
    await stack?.close();
    stack = undefined;
  });

  const submit = () => stack!.request("/jobs", { method: "POST", body });
  const metric = async (name: string, labels = "") =>
    Number(
      new RegExp(`^${name}${labels ? `\\{${labels}\\}` : ""} (\\S+)$`, "m").exec(
        await stack!.registry.metrics(),
      )?.[1] ?? Number.NaN,
    );

  it("refuses jobs over the global cap of queued jobs with 503 and Retry-After, and accepts again once they drain", async () => {
    stack = await startOpsStack({ workers: false, config: { api: { max_queued_jobs: 3 } } });

    const accepted = [await submit(), await submit(), await submit()];
    const refused = await submit();

    expect(accepted.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const problem = (await refused.json()) as { code: string; reason: string };
    expect(problem).toMatchObject({ code: "unavailable", reason: "queued_jobs" });
    expect(await metric("orch_admission_refused_total", 'reason="queued_jobs"')).toBe(1);

    await stack.startWorkers();
    await eventually(
      async () => (await submit()).status === 202,
      30_000,
      "a job accepted once the queue drained",
    );
  });

  it("refuses a job that would start after its deadline at the rate the workers measured", async () => {
    stack = await startOpsStack({
      workers: false,
      config: { orchestrator: { job_deadline_seconds: 60 } },
    });
    admin = new Redis(stack.redis.url);
    // One worker process, one planning slot, planning measured at 10 s a job: 0.1 jobs/s.
    const report = () =>
      new CapacityBoard(admin!).report("measured-worker", {
        at: Date.now(),
        phases: {
          planning: { slots: 1, seconds: 10 },
          execution: { slots: 1, seconds: 1 },
          feedback: { slots: 1, seconds: 1 },
        },
        datadog_calls: 0,
      });
    await report();
    await eventually(
      async () => (await metric("orch_admission_capacity_jobs_per_second")) === 0.1,
      10_000,
      "the API to sample the workers' capacity",
    );

    // Half the deadline (30 s) less the job's own 12 s leaves 18 s to start: two jobs ahead take 20 s.
    const statuses = [(await submit()).status, (await submit()).status];
    const late = await submit();

    expect(statuses).toEqual([202, 202]);
    expect(late.status).toBe(503);
    const problem = (await late.json()) as { reason: string; estimated_start_seconds: number };
    expect(problem.reason).toBe("start_after_deadline");
    expect(problem.estimated_start_seconds).toBe(20);
    expect(Number(late.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("refuses jobs while Redis memory is over its share of maxmemory", async () => {
    stack = await startOpsStack({ workers: false, config: { api: { max_redis_memory_ratio: 0.5 } } });
    admin = new Redis(stack.redis.url);
    const used = Number(/^used_memory:(\d+)/m.exec(await admin.info("memory"))?.[1]);
    // About 60 % in use: over the 50 % share, well under Redis' own limit.
    await admin.config("SET", "maxmemory", String(Math.ceil(used * 1.6)));

    let reason: string | undefined;
    await eventually(
      async () => {
        const res = await submit();
        if (res.status === 503) reason = ((await res.json()) as { reason?: string }).reason;
        return res.status === 503;
      },
      10_000,
      "a refusal for Redis memory",
    );
    expect(reason).toBe("redis_memory");

    await admin.config("SET", "maxmemory", "0");
    await eventually(async () => (await submit()).status === 202, 10_000, "jobs accepted again");
  });

  it("takes the Datadog budget as a bound: requests a second over the requests an execution makes", () => {
    const capacity: CapacitySummary = {
      workers: 2,
      phaseRates: { planning: 100, execution: 50, feedback: 80 },
      jobSeconds: 0.2,
      datadogCallsPerJob: 5,
    };
    expect(jobsPerSecond(capacity, 20)).toBe(4);
    expect(jobsPerSecond({ ...capacity, datadogCallsPerJob: 0 }, 20)).toBe(50);
    expect(
      jobsPerSecond({ ...capacity, phaseRates: { planning: null, execution: null, feedback: null } }, 20),
    ).toBeNull();
  });
});
