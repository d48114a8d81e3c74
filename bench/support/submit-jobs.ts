import type { ServiceStack } from "./service-stack.js";

/** A typical question per demo service: the offline analyst's usual day. */
export const DEMO_QUESTIONS = [
  { service_id: "api-gateway", user_message: "Investigate recent 5xx errors and their root causes" },
  { service_id: "web-app", user_message: "Check CPU and memory usage trends for the last 24 hours" },
  { service_id: "checkout", user_message: "Why did checkout get slower?" },
  { service_id: "payments", user_message: "Why is memory growing on payments?" },
  { service_id: "database-cluster", user_message: "Analyze resource utilization and predict scaling needs" },
  { service_id: "search", user_message: "How is the service doing?" },
] as const;

/** POSTs `count` jobs (cycling through `bodies`) over `parallel` concurrent requests; returns their ids. */
export async function submitJobs(
  stack: ServiceStack,
  count: number,
  bodies: readonly object[] = DEMO_QUESTIONS,
  parallel = 64,
): Promise<string[]> {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const res = await stack.post("/jobs", bodies[i % bodies.length]);
      const body = (await res.json()) as { job_id?: string };
      if (res.status !== 202 || !body.job_id) throw new Error(`POST /jobs answered ${res.status}`);
      ids[i] = body.job_id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return ids;
}
