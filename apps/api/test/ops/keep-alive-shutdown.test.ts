import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiRuntime } from "../../src/api-runtime.js";
import { TOKEN, startOpsStack, type OpsStack } from "./support/ops-stack.js";

const CLIENTS = 8;
/** Answers seen before shutdown begins: every client is then reusing its connection. */
const BEFORE_SHUTDOWN = 60;

/** POSTs a job on `agent`'s pooled connections; resolves with the answer's status and headers. */
function postJob(port: number, agent: Agent): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  const body = JSON.stringify({ service_id: "web-app", user_message: "Draining with keep-alive clients" });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/jobs",
        method: "POST",
        agent,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        res.once("error", reject);
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

/**
 * SIGTERM runs the API runtime's close(): here it starts while keep-alive clients keep posting
 * jobs back to back, as a load balancer's pooled connections do.
 */
describe("the API shutting down under keep-alive clients", () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({ workers: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers every request it reads with Connection: close and resets none", async () => {
    const api = await startApiRuntime(stack.config, stack.redis.url, pino({ level: "silent" }), 0);
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const answered: Array<{ status: number; closing: boolean; connection?: string }> = [];
    const refused: string[] = [];
    const failed: string[] = [];
    let shutdown: Promise<void> | undefined;

    const client = async (): Promise<void> => {
      for (;;) {
        try {
          const res = await postJob(api.port, agent);
          answered.push({
            status: res.status,
            closing: shutdown !== undefined,
            ...(res.headers.connection ? { connection: res.headers.connection } : {}),
          });
          if (!shutdown && answered.length >= BEFORE_SHUTDOWN) shutdown = api.close();
        } catch (error) {
          const { code, message } = error as NodeJS.ErrnoException;
          // A new connection to a server that stopped listening: the client goes elsewhere.
          if (code === "ECONNREFUSED") refused.push(message);
          else failed.push(`${code ?? "?"}: ${message}`);
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await shutdown;
    agent.destroy();

    expect(failed).toEqual([]);
    expect(refused).toHaveLength(CLIENTS);
    expect(answered.every((a) => a.status === 202)).toBe(true);
    // Each connection may bring one answer sent just before shutdown began; after that, every
    // answer tells its client not to reuse the connection.
    const duringShutdown = answered.filter((a) => a.closing);
    expect(duringShutdown.filter((a) => a.connection === "close").length).toBeGreaterThan(0);
    expect(duringShutdown.filter((a) => a.connection !== "close").length).toBeLessThanOrEqual(CLIENTS);
  });
});
