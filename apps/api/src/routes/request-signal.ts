import type { Context } from "koa";
import { clientGone } from "./client-gone.js";

/**
 * An AbortSignal for a long request: it fires when the client goes or when the server starts
 * shutting down (`closing`). The listener on `closing` is removed when the response is done,
 * so a thousand waits leave nothing behind on the process-wide signal.
 */
export function requestSignal(ctx: Context, closing?: AbortSignal): AbortSignal {
  const gone = clientGone(ctx);
  if (!closing) return gone;
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (closing.aborted) abort();
  closing.addEventListener("abort", abort, { once: true });
  gone.addEventListener("abort", abort, { once: true });
  const release = () => closing.removeEventListener("abort", abort);
  ctx.res.once("close", release);
  ctx.res.once("finish", release);
  return controller.signal;
}
