import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../read-body.js";

/** What the fake answers for GET /services/{id}. */
export interface FakeServiceInfo {
  readonly service_id?: string;
  /** Listed by GET /services. */
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly env?: string;
  readonly datadog?: {
    readonly site?: string;
    readonly api_url?: string;
    readonly api_key?: string;
    readonly app_key?: string;
  };
}

/** One message as the fake stores it. */
export interface FakeBackendMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
  readonly job_id?: string;
  readonly service_id?: string;
  readonly client?: string;
  readonly at?: string;
}

/** A fault applied to the next matching requests. */
export type FakeBackendFault = {
  /** Only requests whose path starts with this; all when absent. */
  readonly path?: string;
  /** How many requests it affects; default 1, `Infinity` for all. */
  readonly times?: number;
} & (
  | { readonly kind: "slow"; readonly delay_ms: number }
  | { readonly kind: "server_error"; readonly status?: number }
  /** Accepts the connection and destroys it without answering. */
  | { readonly kind: "disconnect" }
);

/** A request as the fake received it (the Authorization header is reduced to whether it matched). */
export interface FakeBackendRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorized: boolean;
  readonly idempotencyKey?: string;
}

export interface FakeBackendOptions {
  /** The bearer token it requires; default "test-backend-token". */
  readonly token?: string;
  readonly port?: number;
  /** Whether it answers GET /services with the services set (default true), or 404 as older backends. */
  readonly listsServices?: boolean;
}

/** A local HTTP server playing the backend of docs/backend.md: services and chat sessions. */
export interface FakeBackend {
  /** BACKEND_API_URL. */
  readonly url: string;
  readonly token: string;
  readonly requests: readonly FakeBackendRequest[];
  /** Requests whose path starts with `prefix` (all when absent). */
  count(prefix?: string, method?: string): number;
  setService(id: string, info: FakeServiceInfo): void;
  /** The session's messages, oldest first (what POSTs appended included). */
  messages(sessionId: string): readonly FakeBackendMessage[];
  setMessages(sessionId: string, messages: readonly FakeBackendMessage[]): void;
  inject(fault: FakeBackendFault): void;
  /** Forgets requests, faults, services and sessions. */
  reset(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Starts the fake on 127.0.0.1. */
export async function startFakeBackend(options: FakeBackendOptions = {}): Promise<FakeBackend> {
  const token = options.token ?? "test-backend-token";
  let requests: FakeBackendRequest[] = [];
  let faults: Array<{ fault: FakeBackendFault; left: number }> = [];
  const services = new Map<string, FakeServiceInfo>();
  const sessions = new Map<string, FakeBackendMessage[]>();
  const timers = new Set<NodeJS.Timeout>();
  const seenKeys = new Set<string>();
  const listing = options.listsServices ?? true;

  const takeFault = (path: string): FakeBackendFault | undefined => {
    const entry = faults.find(
      (f) => f.left > 0 && (f.fault.path === undefined || path.startsWith(f.fault.path)),
    );
    if (!entry) return undefined;
    entry.left -= 1;
    faults = faults.filter((f) => f.left > 0);
    return entry.fault;
  };
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      body = text;
    }
    const method = req.method ?? "GET";
    const authorized = req.headers.authorization === `Bearer ${token}`;
    const idempotencyKey =
      typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : undefined;
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorized,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });

    const fault = takeFault(url.pathname);
    if (fault?.kind === "disconnect") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "server_error") return send(res, fault.status ?? 503, { error: "unavailable" });
    if (fault?.kind === "slow") await delay(fault.delay_ms);
    if (!authorized) return send(res, 401, { error: "unauthorized" });

    if (url.pathname === "/services" && method === "GET") {
      if (!listing) return send(res, 404, { error: "no service list" });
      return send(res, 200, {
        services: [...services].map(([id, info]) => ({ service_id: id, ...info })),
      });
    }
    const service = /^\/services\/([^/]+)$/.exec(url.pathname);
    if (service && method === "GET") {
      const info = services.get(decodeURIComponent(service[1] ?? ""));
      return info
        ? send(res, 200, { service_id: decodeURIComponent(service[1] ?? ""), ...info })
        : send(res, 404, { error: "unknown service" });
    }
    const session = /^\/sessions\/([^/]+)\/messages$/.exec(url.pathname);
    if (session) {
      const id = decodeURIComponent(session[1] ?? "");
      if (method === "GET") {
        const limit = Number(url.searchParams.get("limit") ?? "50");
        return send(res, 200, { messages: (sessions.get(id) ?? []).slice(-limit) });
      }
      if (method === "POST") {
        // Replays of the same Idempotency-Key are acknowledged without appending again.
        if (idempotencyKey && seenKeys.has(`${id}:${idempotencyKey}`))
          return send(res, 200, { duplicate: true });
        if (idempotencyKey) seenKeys.add(`${id}:${idempotencyKey}`);
        const list = sessions.get(id) ?? [];
        list.push(body as FakeBackendMessage);
        sessions.set(id, list);
        return send(res, 201, { ok: true });
      }
    }
    send(res, 404, { error: `no route ${method} ${url.pathname}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: error instanceof Error ? error.message : "fake failed" }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    get requests() {
      return requests;
    },
    count(prefix?: string, method?: string) {
      return requests.filter(
        (r) =>
          (prefix === undefined || r.path.startsWith(prefix)) &&
          (method === undefined || r.method === method),
      ).length;
    },
    setService(id, info) {
      services.set(id, info);
    },
    messages(sessionId) {
      return sessions.get(sessionId) ?? [];
    },
    setMessages(sessionId, messages) {
      sessions.set(sessionId, [...messages]);
    },
    inject(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    reset() {
      requests = [];
      faults = [];
      services.clear();
      sessions.clear();
      seenKeys.clear();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
