import { IncomingWebhook, IncomingWebhookHTTPError } from "@slack/webhook";
import type { DeliveryOutcome } from "../webhook-sender.js";
import type { SlackMessage } from "./slack-message.js";

/** Statuses worth another attempt: Slack is rate limiting or briefly down. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Posts Block Kit messages to Slack incoming webhooks through the official client, one attempt each. */
export class SlackSender {
  constructor(private readonly timeoutMs: number) {}

  async send(url: string, message: SlackMessage): Promise<DeliveryOutcome> {
    // Our queue retries (with backoff, across processes); the client's own retries stay off.
    const webhook = new IncomingWebhook(url, { timeout: this.timeoutMs, retryConfig: { retries: 0 } });
    try {
      await webhook.send({ text: message.text, blocks: [...message.blocks] as never });
      return { ok: true, status: 200 };
    } catch (error) {
      if (error instanceof IncomingWebhookHTTPError) {
        const status = error.statusCode;
        return {
          ok: false,
          retryable: RETRYABLE.has(status),
          status,
          reason: `Slack answered ${status}${error.body ? `: ${error.body.slice(0, 200)}` : ""}`,
        };
      }
      return { ok: false, retryable: true, reason: `could not reach Slack (${(error as Error).message})` };
    }
  }
}
