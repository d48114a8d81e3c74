import type { Context } from "koa";

/** An AbortSignal that fires when the client closes the connection (ends long waits early). */
export function clientGone(ctx: Context): AbortSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableFinished) controller.abort();
  };
  ctx.req.once("close", onClose);
  ctx.res.once("finish", () => ctx.req.off("close", onClose));
  return controller.signal;
}
