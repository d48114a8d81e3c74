import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { demoScenarioFor, type Scenario } from "@orch/core";
import { FaultQueue, type FakeDatadogFault } from "./fake-fault.js";
import { routeFakeRequest } from "./fake-datadog-routes.js";
import { wireJson } from "./wire-json.js";
import { readBody } from "../read-body.js";

export interface FakeDatadogOptions {
  readonly port?: number;
  /** The keys it accepts in DD-API-KEY / DD-APPLICATION-KEY. */
  readonly apiKey?: string;
  readonly appKey?: string;
  /** The scenario a service's data comes from; default the built-in demo scenarios. */
  readonly scenarios?: (service: string) => Scenario;
  /** The scenario anchor for a request received at `now`; default `now` rounded up to the minute, like DemoSource. */
  readonly anchor?: (now: number) => number;
  readonly now?: () => number;
  /** The service each monitor id belongs to, for GET /api/v1/monitor/{id} (others are 404). */
  readonly monitorServices?: Readonly<Record<number, string>>;
  /**
   * Services whose scenarios hold the organisation's metric metadata (GET
   * /api/v1/metrics/{metric_name} names no service). The services the fake was asked about are
   * searched too, the most recent first.
   */
  readonly services?: () => readonly string[];
}

/** A request the fake received, without credential headers. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly at: number;
}

export interface FakeDatadog {
  /** Base URL, e.g. http://127.0.0.1:4321 — use as DATADOG_API_URL. */
  readonly url: string;
  readonly apiKey: string;
  readonly appKey: string;
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Requests received whose path starts with `pathPrefix` (all when absent). */
  count(pathPrefix?: string): number;
  inject(fault: FakeDatadogFault): void;
  /** Forgets recorded requests and pending faults. */
  reset(): void;
  close(): Promise<void>;
}

const CREDENTIAL_HEADERS = new Set(["dd-api-key", "dd-application-key", "authorization"]);
const ceilMinute = (now: number): number => Math.ceil(now / 60_000) * 60_000;

/**
 * Writes an answer: JSON as Datadog writes it (float timestamps, int64 ids; a string body as
 * given), gzip-compressed when the client accepts gzip, as Datadog's API does.
 */
function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = typeof body === "string" ? body : wireJson(body);
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  res.writeHead(status, {
    "content-type": "application/json",
    vary: "Accept-Encoding",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
    ...headers,
  });
  res.end(gzip ? gzipSync(text) : text);
}

/** Service names a request mentions (`service:x` in its query string or body), for the metadata endpoint. */
function servicesIn(url: URL, text: string): string[] {
  const haystack = `${[...url.searchParams.values()].join(" ")} ${text}`;
  return [...haystack.matchAll(/service:([a-z0-9][a-z0-9._\-/]{0,99})/g)].map((m) => m[1] ?? "");
}

/**
 * A local HTTP server speaking Datadog's wire format for the endpoints we read (metrics query,
 * list and metadata, monitors list and search, events, logs aggregate and search), in the
 * shape of real recorded responses, serving the same deterministic scenario data as the demo
 * source, with injectable faults.
 */
export async function startFakeDatadog(options: FakeDatadogOptions = {}): Promise<FakeDatadog> {
  const apiKey = options.apiKey ?? "fake-dd-api-key";
  const appKey = options.appKey ?? "fake-dd-app-key";
  const scenarios = options.scenarios ?? demoScenarioFor;
  const anchorOf = options.anchor ?? ceilMinute;
  const clock = options.now ?? Date.now;
  const faults = new FaultQueue();
  // Metadata is the organisation's; the fake finds a metric in the scenarios of the services it was asked about.
  const seenServices: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let requests: RecordedRequest[] = [];
  let baseUrl = "";

  const scenarioFor = (service: string | undefined): Scenario | undefined => {
    if (service === undefined) return undefined;
    try {
      return scenarios(service);
    } catch {
      return undefined;
    }
  };

  const scenarioWithMetric = (metric: string): Scenario | undefined => {
    for (const service of [...(options.services?.() ?? []), ...[...seenServices].reverse()]) {
      const scenario = scenarioFor(service);
      if (scenario?.series.some((s) => s.metric === metric)) return scenario;
    }
    return undefined;
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
    const started = Date.now();
    const url = new URL(req.url ?? "/", baseUrl);
    const text = await readBody(req);
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!CREDENTIAL_HEADERS.has(name) && typeof value === "string") headers[name] = value;
    }
    const method = req.method ?? "GET";
    for (const service of servicesIn(url, text)) {
      const at = seenServices.indexOf(service);
      if (at >= 0) seenServices.splice(at, 1);
      seenServices.push(service);
    }
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers,
      at: started,
    });

    const fault = faults.take(url.pathname);
    if (fault?.kind === "disconnect") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "rate_limit") {
      const reset = fault.reset_s ?? (fault.retry_after_s === undefined ? 1 : undefined);
      const limit = String(fault.limit ?? 100);
      const period = String(fault.period_s ?? 10);
      send(
        req,
        res,
        429,
        { errors: [`Rate limit of ${limit} requests in ${period} seconds reached. Please try again later.`] },
        {
          ...(reset !== undefined
            ? {
                "x-ratelimit-limit": limit,
                "x-ratelimit-period": period,
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": String(reset),
                "x-ratelimit-name": "fake",
              }
            : {}),
          ...(fault.retry_after_s !== undefined ? { "retry-after": String(fault.retry_after_s) } : {}),
        },
      );
      return;
    }
    if (fault?.kind === "respond") {
      send(req, res, fault.status ?? 200, fault.body, { ...fault.headers });
      return;
    }
    if (fault?.kind === "server_error") {
      send(req, res, fault.status ?? 500, { errors: ["Internal Server Error"] });
      return;
    }
    if (fault?.kind === "malformed") {
      send(req, res, 200, '{"status":"ok","series":[{"metric":');
      return;
    }
    if (fault?.kind === "slow") await delay(fault.delay_ms);

    if (req.headers["dd-api-key"] !== apiKey || req.headers["dd-application-key"] !== appKey) {
      send(req, res, 403, { errors: ["Forbidden"] });
      return;
    }
    const now = clock();
    const result = routeFakeRequest(
      { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body },
      {
        scenarioFor,
        scenarioWithMetric,
        anchor: anchorOf(now),
        now,
        baseUrl,
        started,
        ...(options.monitorServices ? { monitorServices: options.monitorServices } : {}),
      },
    );
    send(req, res, result.status, result.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(req, res, 500, { errors: [error instanceof Error ? error.message : "fake datadog failed"] });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    url: baseUrl,
    apiKey,
    appKey,
    get requests() {
      return requests;
    },
    count(pathPrefix?: string) {
      return pathPrefix === undefined
        ? requests.length
        : requests.filter((r) => r.path.startsWith(pathPrefix)).length;
    },
    inject(fault: FakeDatadogFault) {
      faults.add(fault);
    },
    reset() {
      requests = [];
      faults.clear();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
