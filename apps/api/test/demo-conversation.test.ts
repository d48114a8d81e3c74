import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";

interface View {
  status: string;
  created_at: string;
  result: { answer_markdown: string; window: { start: string; end: string } };
}

const QUESTION = "Investigate recent 5xx errors and their root causes";
const MINUTE = 60_000;

/** The clock time the answer gives for the demo's api-gateway deploy, e.g. "03:13". */
function deployTime(view: View): string | undefined {
  return /"Deployed api-gateway v2\.14\.0" at (\d\d:\d\d) UTC/.exec(view.result.answer_markdown)?.[1];
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/**
 * The demo is a service in trouble now, whenever a conversation starts; within one conversation
 * it is one incident, whose times do not move. The process clock is moved forward between two
 * questions (API and workers run in this process), as if the second came minutes later.
 */
describe("the demo through a conversation", () => {
  let h: Harness;
  beforeAll(async () => {
    // Before anything starts, so that every clock the service keeps is this one.
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    vi.useRealTimers();
  });

  async function ask(session: string | undefined): Promise<View> {
    const id = await submitJob(h, {
      service_id: "api-gateway",
      user_message: QUESTION,
      ...(session ? { session_id: session } : {}),
    });
    const view = (await waitForJob(h, id, 60)) as unknown as View;
    expect(view.status).toBe("completed");
    return view;
  }

  it("tells a follow-up asked minutes later the same story, at the same clock times", async () => {
    const first = await ask("incident-room");
    // The incident sits where docs/demo.md says: the deploy 37 minutes before the next whole minute.
    const anchor = Math.ceil(Date.parse(first.created_at) / MINUTE) * MINUTE;
    expect(deployTime(first)).toBe(clock(anchor - 37 * MINUTE));

    vi.setSystemTime(Date.now() + 2 * MINUTE);
    const second = await ask("incident-room");
    expect(Date.parse(second.created_at) - Date.parse(first.created_at)).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(deployTime(second)).toBe(deployTime(first));

    vi.setSystemTime(Date.now() + 15 * MINUTE);
    expect(deployTime(await ask("incident-room"))).toBe(deployTime(first));
  });

  it("starts a new conversation's story at its first question, with the incident in the last hour", async () => {
    await ask("earlier-room");
    vi.setSystemTime(Date.now() + 5 * MINUTE);
    for (const view of [await ask("later-room"), await ask(undefined)]) {
      const anchor = Math.ceil(Date.parse(view.created_at) / MINUTE) * MINUTE;
      expect(deployTime(view)).toBe(clock(anchor - 37 * MINUTE));
    }
  });

  it("starts the story again when a conversation comes back after more than twenty minutes", async () => {
    const first = await ask("long-lunch");
    vi.setSystemTime(Date.now() + 25 * MINUTE);
    const back = await ask("long-lunch");
    const anchor = Math.ceil(Date.parse(back.created_at) / MINUTE) * MINUTE;
    expect(deployTime(back)).toBe(clock(anchor - 37 * MINUTE));
    expect(deployTime(back)).not.toBe(deployTime(first));
  });
});
