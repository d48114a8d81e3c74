import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import Koa from "koa";

/**
 * Enqueue baseline: a bare Koa route that parses the JSON body and does one `queue.add` on the
 * same Redis; no auth, validation, limits or job record. PORT and REDIS_URL from the environment.
 */
const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
  maxRetriesPerRequest: null,
});
const queue = new Queue("planning", { connection, prefix: "{bare}" });
const router = new Router();
router.post("/jobs", async (ctx) => {
  const id = randomUUID();
  await queue.add("planning", { job_id: id, request: ctx.request.body }, { jobId: id });
  ctx.status = 202;
  ctx.body = { job_id: id, status: "queued" };
});
router.get("/healthz", (ctx) => {
  ctx.body = { status: "ok" };
});
const app = new Koa();
app.use(bodyParser()).use(router.routes());
const handle = app.callback();
const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
process.once("SIGTERM", () => {
  server.close();
  void queue.close().then(() => connection.quit());
});
