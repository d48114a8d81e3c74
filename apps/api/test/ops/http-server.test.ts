import { connect } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiRuntime, type ApiRuntime } from "../../src/api-runtime.js";
import { DEFAULT_TIMEOUTS } from "../../src/http-server.js";
import { openEventStream } from "../client/sse-reader.js";
import { TOKEN, startOpsStack, submit, type OpsStack } from "./support/ops-stack.js";

interface RawAnswer {
  readonly text: string;
  /** Milliseconds from connecting to the server closing the connection. */
  readonly closedAfterMs: number;
}

/** Writes `chunks` on a plain TCP connection (never ending our side) and waits for the server to close it. */
function rawExchange(port: number, chunks: readonly string[], giveUpMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let text = "";
    const socket = connect(port, "127.0.0.1", () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms`));
    }, giveUpMs);
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(giveUp);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
  });
}

/** The problem document after the blank line of a raw HTTP answer. */
function problemIn(text: string): { status: number; code: string; detail: string } {
  return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as {
    status: number;
    code: string;
    detail: string;
  };
}

const REQUEST_MS = 1000;
const HEADERS_MS = 500;
/** Long enough that Node's periodic check, left coarse, would fire visibly late. */
const PRECISE = { headersMs: 2000, requestMs: 3000 };

describe("the API's HTTP server", () => {
  let stack: OpsStack;
  let api: ApiRuntime;
  beforeAll(async () => {
    stack = await startOpsStack({ workers: false, config: { events: { heartbeat_ms: 200 } } });
    // Another instance on the same Redis with short receive timeouts, so a test can outwait them.
    api = await startApiRuntime(stack.config, stack.redis.url, pino({ level: "silent" }), 0, {
      timeouts: { headersMs: HEADERS_MS, requestMs: REQUEST_MS },
    });
  });
  afterAll(async () => {
    await api?.close();
    await stack?.close();
  });

  it("bounds receiving a request to 10 s for headers and 30 s in all by default", () => {
    expect(DEFAULT_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000 });
    const server = stack.api.server;
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
  });

  it("cuts off a client that stalls in the middle of its body, answering 408 with a problem document", async () => {
    // Content-Length 100, then 13 bytes and nothing more.
    const answer = await rawExchange(api.port, [
      `POST /jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n",
      '{"service_id"',
    ]);
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(answer.closedAfterMs).toBeLessThan(REQUEST_MS + 1500);
    expect(answer.text).toMatch(/^HTTP\/1.1 408 /);
    expect(answer.text).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    expect(problemIn(answer.text)).toMatchObject({ status: 408, code: "invalid_request" });
  });

  it("cuts off a client that never finishes its headers", async () => {
    const answer = await rawExchange(api.port, ["GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "]);
    expect(answer.closedAfterMs).toBeLessThan(HEADERS_MS + 1500);
    expect(answer.text).toMatch(/^HTTP\/1.1 408 /);
  });

  it("closes slow clients when their timeout is due, not at Node's next periodic check", async () => {
    // Node finds expired requests on a timer. Connections opened at staggered moments meet every
    // phase of it, so a coarse timer shows as one of them being cut off long after its timeout.
    const precise = await startApiRuntime(stack.config, stack.redis.url, pino({ level: "silent" }), 0, {
      timeouts: { headersMs: PRECISE.headersMs, requestMs: PRECISE.requestMs },
    });
    try {
      const staggered = (chunks: readonly string[]) =>
        Array.from({ length: 5 }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * (PRECISE.headersMs / 10)));
          return rawExchange(precise.port, chunks);
        });
      const [headers, bodies] = await Promise.all([
        Promise.all(staggered(["GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "])),
        Promise.all(
          staggered([
            `POST /jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TOKEN}\r\n` +
              "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n",
            '{"service_id"',
          ]),
        ),
      ]);
      for (const [answers, dueMs] of [
        [headers, PRECISE.headersMs],
        [bodies, PRECISE.requestMs],
      ] as const) {
        for (const answer of answers) {
          expect(answer.text).toMatch(/^HTTP\/1.1 408 /);
          expect(answer.closedAfterMs).toBeGreaterThanOrEqual(dueMs - 50);
        }
        const latest = Math.max(...answers.map((a) => a.closedAfterMs - dueMs));
        expect(latest, `cut off up to ${latest} ms after the ${dueMs} ms timeout`).toBeLessThan(
          PRECISE.headersMs / 4,
        );
      }
    } finally {
      await precise.close();
    }
  });

  it("keeps long-waits and event streams open well past the request timeout", async () => {
    const id = await submit(stack, { service_id: "web-app", user_message: "How is web-app?" });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const stream = await openEventStream(`http://127.0.0.1:${api.port}/jobs/${id}/events`, auth);
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${api.port}/jobs/${id}?wait=3`, { headers: auth });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("queued");
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    // The stream is still open, heartbeating, three request timeouts later.
    const beats = stream.comments.length;
    await stream.waitForComments(beats + 1);
    expect(stream.events.map((e) => e.event)).toEqual(["status"]);
    stream.drop();
  });

  it("answers headers too large with 431 and a problem document instead of an empty body", async () => {
    const answer = await rawExchange(stack.api.port, [
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    ]);
    expect(answer.text).toMatch(/^HTTP\/1.1 431 /);
    expect(answer.text).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    const body = problemIn(answer.text);
    expect(body).toMatchObject({ status: 431, code: "invalid_request" });
    expect(body.detail).toMatch(/headers are too large/);
  });

  it("answers a request that is not HTTP with 400 and a problem document", async () => {
    const answer = await rawExchange(stack.api.port, ["HELLO THERE\r\n\r\n"]);
    expect(answer.text).toMatch(/^HTTP\/1.1 400 /);
    expect(problemIn(answer.text)).toMatchObject({ status: 400, code: "invalid_request" });
  });
});
