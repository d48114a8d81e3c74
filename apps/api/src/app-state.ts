import type { Logger } from "pino";

/** Who is calling, after authentication. */
export interface Principal {
  readonly owner: string;
  readonly name: string;
  readonly admin: boolean;
}

/** Koa `ctx.state` of every request. */
export interface AppState {
  requestId: string;
  log: Logger;
  principal?: Principal;
}
