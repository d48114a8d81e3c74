import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ErrorCode } from "@orch/core";
import { problem } from "./middleware/problem.js";

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

/**
 * The API's HTTP server: bounded time to receive a request, and requests Node refuses itself
 * (headers too large, too slow, not HTTP) answered with a problem document like every other error.
 */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  timeouts: HttpTimeouts = DEFAULT_TIMEOUTS,
): Server {
  // The response in progress on each socket: a refusal must not be written into one already started.
  const responding = new WeakMap<Socket, ServerResponse>();
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node looks for requests past those timeouts (30 s by default, which would double them).
      connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(timeouts.headersMs / 2))),
    },
    (req, res) => {
      const socket = req.socket;
      responding.set(socket, res);
      res.once("close", () => {
        if (responding.get(socket) === res) responding.delete(socket);
      });
      handle(req, res);
    },
  );
  server.keepAliveTimeout = 65_000;
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    const inProgress = responding.get(socket);
    if (error.code === "ECONNRESET" || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, title, code, detail } = refusal(error);
    const body = JSON.stringify({ ...problem(code, detail), status, title });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // The rest of what the client sends is not read: close once the answer is flushed.
    socket.once("finish", () => socket.destroy());
  });
  return server;
}
