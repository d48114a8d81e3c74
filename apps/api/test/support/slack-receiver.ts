import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A message Slack would have accepted, with the path (the webhook) it came to. */
export interface SlackPost {
  readonly path: string;
  readonly body: { text: string; blocks: Array<Record<string, unknown>> };
}

export interface SlackReceiver {
  readonly url: string;
  readonly received: SlackPost[];
  /** Payloads it refused as Slack would (invalid_blocks), with the reason. */
  readonly refused: string[];
  /** Statuses for the next posts, in order (e.g. 500, 429); then Slack's 200 "ok". */
  script(...statuses: number[]): void;
  close(): Promise<void>;
}

const LIMITS = { blocks: 50, text: 3000, header: 150, contextElements: 10 };

/** Why Slack would refuse a message (Block Kit's documented limits), or undefined. */
function problemOf(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null) return "not a JSON object";
  const { text, blocks } = payload as { text?: unknown; blocks?: unknown };
  if (typeof text !== "string" || text.length === 0) return "no fallback text";
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > LIMITS.blocks) return "blocks: 1-50";
  for (const block of blocks as Array<Record<string, unknown>>) {
    const inner = block.text as { type?: string; text?: string } | undefined;
    switch (block.type) {
      case "header":
        if (inner?.type !== "plain_text" || !inner.text || inner.text.length > LIMITS.header)
          return "header text";
        break;
      case "section":
        if (
          !inner?.text ||
          inner.text.length > LIMITS.text ||
          !["mrkdwn", "plain_text"].includes(inner.type ?? "")
        )
          return "section text";
        break;
      case "context": {
        const elements = block.elements as Array<{ type?: string; text?: string }> | undefined;
        if (!elements || elements.length === 0 || elements.length > LIMITS.contextElements)
          return "context elements";
        if (elements.some((e) => e.type !== "mrkdwn" || !e.text || e.text.length > LIMITS.text))
          return "context text";
        break;
      }
      case "divider":
        break;
      default:
        return `block type ${String(block.type)}`;
    }
  }
  return undefined;
}

/** A local stand-in for Slack's incoming webhooks that checks every payload against Block Kit's limits. */
export async function startSlackReceiver(): Promise<SlackReceiver> {
  const received: SlackPost[] = [];
  const refused: string[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const scripted = statuses.shift();
      if (scripted !== undefined) {
        res.writeHead(scripted, { "content-type": "text/plain" }).end("scripted failure");
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        payload = undefined;
      }
      const problem = req.headers["content-type"]?.startsWith("application/json")
        ? problemOf(payload)
        : "content type";
      if (problem) {
        refused.push(problem);
        res.writeHead(400, { "content-type": "text/plain" }).end("invalid_blocks");
        return;
      }
      received.push({ path: req.url ?? "/", body: payload as SlackPost["body"] });
      res.writeHead(200, { "content-type": "text/html" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    refused,
    script: (...s) => statuses.push(...s),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
