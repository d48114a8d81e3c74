import type { Context } from "koa";
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

/** `ctx.state` of the routes behind `authenticate`: the caller is known. */
export interface AuthedState extends AppState {
  principal: Principal;
}

/** The context of an authenticated route. */
export type AuthedContext = Context & { state: AuthedState };
