import { createHmac } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { checkCallbackUrl, guardedLookup, type CallbackPolicy, type ResolveHost } from "@orch/queue";

/** One POST of a job's view to its callback URL. */
export interface WebhookDelivery {
  readonly url: string;
  /** The JSON body, exactly as signed. */
  readonly body: string;
  /** e.g. "job.completed". */
  readonly event: string;
  /** Stable across retries, so receivers can drop duplicates. */
  readonly deliveryId: string;
  readonly attempt: number;
}

export type DeliveryOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly retryable: boolean; readonly reason: string; readonly status?: number };

export interface WebhookSenderOptions {
  readonly secret: string;
  readonly policy: CallbackPolicy;
  readonly timeoutMs: number;
  readonly now?: () => number;
  /** DNS for the URL check and for dialling; the system resolver unless a test passes its own. */
  readonly resolve?: ResolveHost;
}

/** HMAC-SHA256 of `<timestamp>.<body>` with the webhook secret, hex. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The X-Orchestrator-Signature header value: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

/** Statuses worth another attempt: the receiver is overloaded or briefly down. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Posts signed webhook deliveries. The URL is checked against the policy on every attempt, the
 * connection may only reach the addresses the policy allows (checked at dial time, so a DNS
 * change cannot smuggle it inside), redirects are not followed, and each attempt has a timeout.
 */
export class WebhookSender {
  private readonly now: () => number;

  constructor(private readonly options: WebhookSenderOptions) {
    this.now = options.now ?? Date.now;
  }

  async send(delivery: WebhookDelivery, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const { policy, resolve: dns } = this.options;
    const check = await checkCallbackUrl(delivery.url, policy, dns);
    if (!check.ok) return { ok: false, retryable: false, reason: check.reason };
    const timestamp = Math.floor(this.now() / 1000);
    const headers = {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(delivery.body)),
      "User-Agent": "ai-orchestrator-webhook/1",
      "X-Orchestrator-Event": delivery.event,
      "X-Orchestrator-Delivery": delivery.deliveryId,
      "X-Orchestrator-Attempt": String(delivery.attempt),
      "X-Orchestrator-Signature": signatureHeader(this.options.secret, timestamp, delivery.body),
    };
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const request = check.url.protocol === "https:" ? httpsRequest : httpRequest;
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(check.url, {
          method: "POST",
          headers,
          agent: false,
          lookup: guardedLookup(policy, dns),
          signal: abort,
        });
        req.once("response", resolve);
        req.once("error", reject);
        req.end(delivery.body);
      });
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return { ok: true, status };
      if (status >= 300 && status < 400) {
        return {
          ok: false,
          retryable: false,
          status,
          reason: `the receiver answered ${status}; redirects are not followed`,
        };
      }
      return {
        ok: false,
        retryable: RETRYABLE_STATUS.has(status),
        status,
        reason: `the receiver answered ${status}`,
      };
    } catch (error) {
      if (timeout.aborted)
        return { ok: false, retryable: true, reason: `no answer within ${this.options.timeoutMs} ms` };
      const code = (error as { code?: string }).code;
      if (code === "EADDRNOTALLOWED")
        return { ok: false, retryable: false, reason: (error as Error).message };
      return {
        ok: false,
        retryable: true,
        reason: `could not reach the receiver (${code ?? (error as Error).message})`,
      };
    }
  }
}
