import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ErrorCode } from "@orch/core";
import { rawProblemResponse } from "./middleware/problem.js";

export interface HttpTimeouts {
  /** Receiving a request's headers; past it Node answers 408. */
  readonly headersMs: number;
  /**
   * Receiving a whole request, headers and body. It does not bound the response, so long-waits
   * (`?wait`, `POST /orchestrate`) and event streams run as long as they need.
   */
  readonly requestMs: number;
}

/** Slow clients hold a socket at most this long while sending a request. */
export const DEFAULT_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000 };

/**
 * How often Node looks for requests past their timeouts. It checks on a timer (every 30 s by
 * default), so a timeout fires up to one period late: checking every twentieth of the shorter
 * timeout (at most every 0.5 s) keeps that within 5 %. A check only walks requests in progress.
 */
function checkingIntervalMs(timeouts: HttpTimeouts): number {
  return Math.max(25, Math.min(500, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 20)));
}

/** What Node refuses before a request reaches the app, as a status, a code and a sentence. */
function refusal(error: NodeJS.ErrnoException): {
  status: number;
  title: string;
  code: ErrorCode;
  detail: string;
} {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return {
        status: 431,
        title: "Request header fields too large",
        code: "invalid_request",
        detail: "The request's headers are too large; send fewer or shorter headers.",
      };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        status: 408,
        title: "Request timeout",
        code: "invalid_request",
        detail: "The request was not received in time; send the headers and body without pausing.",
      };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return {
        status: 413,
        title: "Payload too large",
        code: "payload_too_large",
        detail: "The request's chunk extensions are too large.",
      };
    default:
      return {
        status: 400,
        title: "Bad request",
        code: "invalid_request",
        detail: "The request is not valid HTTP/1.1.",
      };
  }
}

/** An open connection: the response in progress on it, or since when it has been idle (monotonic ms). */
interface Connection {
  response: ServerResponse | undefined;
  idleSince: number;
}

/**
 * How long a keep-alive connection must have been idle before shutdown closes it. Closing one
 * resets a client that is sending on it at that moment; a client that reuses connections does
 * so right after its last answer, so one idle this long is not about to be reused.
 */
const IDLE_BEFORE_CLOSE_MS = 500;
const SWEEP_MS = 50;

export interface ApiHttpServer {
  readonly server: Server;
  /**
   * Stops accepting connections; from now on every answer says `Connection: close` (so clients
   * stop reusing their connections), and connections are closed once they have been idle for a
   * moment. Resolves when none is left.
   */
  drain(): Promise<void>;
}

/**
 * The API's HTTP server: bounded time to receive a request, requests Node refuses itself
 * (headers too large, too slow, not HTTP) answered with a problem document like every other
 * error, and a shutdown that never resets a keep-alive client.
 */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  timeouts: HttpTimeouts = DEFAULT_TIMEOUTS,
): ApiHttpServer {
  const connections = new Map<Socket, Connection>();
  let draining = false;
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: checkingIntervalMs(timeouts),
    },
    (req, res) => {
      const connection = connections.get(req.socket);
      if (connection) connection.response = res;
      if (draining) res.setHeader("Connection", "close");
      res.once("close", () => {
        if (connection?.response !== res) return;
        connection.response = undefined;
        connection.idleSince = performance.now();
      });
      handle(req, res);
    },
  );
  server.keepAliveTimeout = 65_000;
  server.on("connection", (socket: Socket) => {
    connections.set(socket, { response: undefined, idleSince: performance.now() });
    socket.once("close", () => connections.delete(socket));
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    // A refusal must not be written into a response already started.
    const inProgress = connections.get(socket)?.response;
    if (error.code === "ECONNRESET" || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, title, code, detail } = refusal(error);
    socket.end(rawProblemResponse(code, detail, status, title));
    // The rest of what the client sends is not read: close once the answer is flushed.
    socket.once("finish", () => socket.destroy());
  });

  const closeSettled = () => {
    const now = performance.now();
    for (const [socket, { response, idleSince }] of connections) {
      if (!response && now - idleSince >= IDLE_BEFORE_CLOSE_MS) socket.destroy();
    }
  };
  return {
    server,
    async drain() {
      draining = true;
      for (const { response } of connections.values()) {
        if (response && !response.headersSent) response.setHeader("Connection", "close");
      }
      const sweep = setInterval(closeSettled, SWEEP_MS);
      await new Promise<void>((resolve) => {
        // http.Server's close() would also close every idle connection at once, resetting a client
        // sending on one at that moment: they are closed by the sweep instead, once settled.
        server.closeIdleConnections = () => undefined;
        server.close(() => resolve());
        Reflect.deleteProperty(server, "closeIdleConnections");
      });
      clearInterval(sweep);
    },
  };
}
