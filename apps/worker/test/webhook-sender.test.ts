import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolveHost } from "@orch/queue";
import { WebhookSender, webhookSignature, type WebhookDelivery } from "../src/webhook-sender.js";

describe("WebhookSender", () => {
  let server: Server;
  let base: string;
  const seen: Array<{ path: string; headers: IncomingMessage["headers"]; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url === "/redirect") {
          res.writeHead(307, { location: "/target" }).end();
        } else if (req.url === "/gone") {
          res.writeHead(410).end();
        } else if (req.url === "/busy") {
          res.writeHead(503).end();
        } else if (req.url === "/hang") {
          // Never answers; the sender's timeout must end the attempt.
        } else {
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const sender = (allowPrivate = true) =>
    new WebhookSender({
      secret: "s3cret",
      policy: { allowedHosts: ["127.0.0.1", "localhost"], allowPrivate },
      timeoutMs: 300,
      now: () => 1_700_000_000_000,
    });
  const delivery = (path: string): WebhookDelivery => ({
    url: `${base}${path}`,
    body: '{"job_id":"abc","status":"completed"}',
    event: "job.completed",
    deliveryId: "abc-webhook",
    attempt: 1,
  });
  const hits = (path: string) => seen.filter((s) => s.path === path).length;

  it("signs the exact body with the timestamp and says which event and delivery it is", async () => {
    expect(await sender().send(delivery("/ok"))).toEqual({ ok: true, status: 204 });
    const got = seen.find((s) => s.path === "/ok")!;
    expect(got.body).toBe('{"job_id":"abc","status":"completed"}');
    expect(got.headers["x-orchestrator-signature"]).toBe(
      `t=1700000000,v1=${webhookSignature("s3cret", 1_700_000_000, got.body)}`,
    );
    expect(got.headers["x-orchestrator-event"]).toBe("job.completed");
    expect(got.headers["x-orchestrator-delivery"]).toBe("abc-webhook");
  });

  it("does not follow redirects, and does not retry them", async () => {
    expect(await sender().send(delivery("/redirect"))).toMatchObject({
      ok: false,
      retryable: false,
      status: 307,
    });
    expect(hits("/target")).toBe(0);
  });

  it("retries 5xx and timeouts, but not other 4xx", async () => {
    expect(await sender().send(delivery("/busy"))).toMatchObject({ ok: false, retryable: true, status: 503 });
    expect(await sender().send(delivery("/gone"))).toMatchObject({
      ok: false,
      retryable: false,
      status: 410,
    });
    expect(await sender().send(delivery("/hang"))).toMatchObject({
      ok: false,
      retryable: true,
      reason: "no answer within 300 ms",
    });
  });

  it("refuses loopback targets at delivery time unless private addresses are allowed, without connecting", async () => {
    const before = seen.length;
    for (const url of [`${base}/ok`, base.replace("127.0.0.1", "localhost") + "/ok"]) {
      const outcome = await sender(false).send({ ...delivery("/ok"), url });
      expect(outcome).toMatchObject({ ok: false, retryable: false });
    }
    expect(seen.length).toBe(before);
  });

  it("refuses to dial when DNS answers a private address at delivery time, after a public one passed the check", async () => {
    // A rebinding name: public when the URL is checked, then the receiver's loopback address when dialled.
    const port = new URL(base).port;
    const answers = ["93.184.216.34", "127.0.0.1"];
    const asked: string[] = [];
    const rebinding: ResolveHost = (host) => {
      asked.push(host);
      const address = answers.shift() ?? "127.0.0.1";
      return Promise.resolve([{ address, family: 4 }]);
    };
    const before = seen.length;
    const outcome = await new WebhookSender({
      secret: "s3cret",
      policy: { allowedHosts: ["hooks.example.com"], allowPrivate: false },
      timeoutMs: 1000,
      resolve: rebinding,
    }).send({ ...delivery("/ok"), url: `http://hooks.example.com:${port}/ok` });
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      reason: "refusing to connect to hooks.example.com: it resolves to a non-public address",
    });
    expect(asked).toEqual(["hooks.example.com", "hooks.example.com"]);
    expect(seen.length).toBe(before);
  });
});
