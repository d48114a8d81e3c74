import { request, type ClientRequest, type IncomingMessage } from "node:http";

/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly events: SseEvent[];
  /** Comment lines received (heartbeats). */
  readonly comments: string[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** Resolves once `n` events have arrived (or the stream ended). */
  waitForEvents(n: number, timeoutMs?: number): Promise<void>;
  waitForComments(n: number, timeoutMs?: number): Promise<void>;
  /** Drops the connection, as a client losing its network would. */
  drop(): void;
}

/** Opens GET `url` as an event stream with a plain HTTP client and parses events as they arrive. */
export function openEventStream(url: string, headers: Record<string, string>): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined = undefined;
    req = request(url, { headers: { Accept: "text/event-stream", ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters: Array<() => void> = [];
      let buffer = "";
      let block: { id?: string; event?: string; data: string[] } = { data: [] };
      const notify = () => waiters.splice(0).forEach((w) => w());
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      let done = false;
      const finish = () => {
        done = true;
        endedResolve();
        notify();
      };
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          if (line === "") {
            if (block.data.length > 0 || block.event) {
              events.push({
                ...(block.id ? { id: block.id } : {}),
                event: block.event ?? "message",
                data: block.data.join("\n"),
              });
            }
            block = { data: [] };
            continue;
          }
          if (line.startsWith(":")) {
            comments.push(line.slice(1).trim());
            continue;
          }
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "id") block.id = value;
          else if (field === "event") block.event = value;
          else if (field === "data") block.data.push(value);
        }
        notify();
      });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
      const waitFor = (check: () => boolean, timeoutMs: number, what: string) =>
        new Promise<void>((ok, fail) => {
          const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), timeoutMs);
          const test = () => {
            if (check() || done) {
              clearTimeout(timer);
              ok();
            } else waiters.push(test);
          };
          test();
        });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        ended,
        waitForEvents: (n, timeoutMs = 30_000) => waitFor(() => events.length >= n, timeoutMs, `${n} events`),
        waitForComments: (n, timeoutMs = 30_000) =>
          waitFor(() => comments.length >= n, timeoutMs, `${n} comments`),
        drop: () => {
          req?.destroy();
          res.destroy();
        },
      });
    });
    req.on("error", reject);
    req.end();
  });
}
