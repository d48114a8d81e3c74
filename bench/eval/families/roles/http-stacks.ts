import type { DrawRandom } from "../draw-random.js";
import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";
import type { Runtime } from "./memory.js";

/**
 * The request, error and latency metrics of a service's front door, as one instrumentation
 * reports them. Latency roles speak seconds, request and error roles events per second.
 */
export interface HttpStack {
  readonly name: string;
  /** How a user may name this layer in a question ("the nginx", "the API"). */
  readonly words: readonly string[];
  readonly requests: MetricRole;
  readonly errors: MetricRole;
  readonly latency: MetricRole;
  /** The runtime behind it when the instrumentation says (a Spring app is a JVM); absent for proxies and custom names. */
  readonly runtime?: Runtime;
}

/** APM span names of common frameworks (`trace.<span>.hits`). */
const APM_SPANS: ReadonlyArray<readonly [string, string, Runtime | undefined]> = [
  ["flask.request", "flask", undefined],
  ["django.request", "django", undefined],
  ["fastapi.request", "fastapi", undefined],
  ["express.request", "express", "node"],
  ["servlet.request", "spring", "jvm"],
  ["rack.request", "rails", undefined],
  ["aspnet_core.request", "asp.net", undefined],
  ["http.request", "go", "go"],
  ["grpc.server", "grpc", "go"],
];

function apmStack(r: DrawRandom): HttpStack {
  const [span, framework, runtime] = r.pick(APM_SPANS);
  const apm = (metric: string, o: Parameters<typeof ownRole>[2]) => ownRole(metric, "apm", o);
  // Newer setups read percentiles of the span's distribution; older ones the by.service gauges.
  const latency = r.chance(0.25)
    ? apm(`trace.${span}`, {
        unit: "second",
        metric_type: "distribution",
        percentile: r.pick(["p95", "p99"]),
      })
    : r.chance(0.5)
      ? apm(`trace.${span}.duration.by.service.95p`, { unit: "second", metric_type: "gauge" })
      : apm(`trace.${span}.duration.by.service.99p`, { unit: "second", metric_type: "gauge" });
  return {
    name: `apm ${framework}`,
    words: [framework, "the app", "the service"],
    requests: apm(`trace.${span}.hits`, { unit: "hit", metric_type: "count", reading: "count" }),
    errors: apm(`trace.${span}.errors`, { unit: "error", metric_type: "count", reading: "count" }),
    latency,
    ...(runtime ? { runtime } : {}),
  };
}

/** OpenTelemetry through Prometheus-style counters read raw, with the semantic-convention histogram. */
function otelStack(r: DrawRandom): HttpStack {
  const prefix = r.pick(["", "app_", "svc_"]);
  return {
    name: "otel",
    words: ["the service", "the http server"],
    requests: ownRole(`${prefix}http_server_requests_total`, "otel", {
      unit: "request",
      reading: "cumulative",
      ...(r.chance(0.5) ? { metric_type: "gauge" as const } : {}),
    }),
    errors: ownRole(`${prefix}http_server_errors_total`, "otel", {
      unit: "error",
      reading: "cumulative",
      ...(r.chance(0.5) ? { metric_type: "gauge" as const } : {}),
    }),
    latency: ownRole("http.server.request.duration", "otel", {
      unit: "second",
      metric_type: "distribution",
      percentile: r.pick(["p95", "p99", "p90"]),
    }),
  };
}

/** Integrations' own metrics (built when the module loads: a name missing from the catalog fails at once). */
const INTEGRATION_STACKS: readonly HttpStack[] = [
  {
    name: "nginx",
    words: ["nginx", "the proxy"],
    requests: catalogRole("nginx.net.request_per_s"),
    errors: catalogRole("nginx.server_zone.responses.5xx_count"),
    latency: catalogRole("nginx.upstream.peers.response_time"),
  },
  {
    name: "haproxy",
    words: ["haproxy", "the load balancer", "the lb"],
    requests: catalogRole("haproxy.frontend.requests.rate"),
    // Submitted as a rate of responses per second, though its metadata names no per-unit.
    errors: catalogRole("haproxy.frontend.response.5xx", { reading: "rate", integer: false }),
    latency: catalogRole("haproxy.backend.response.time"),
  },
  {
    name: "envoy",
    words: ["envoy", "the sidecar", "the mesh"],
    requests: catalogRole("envoy.http.downstream_rq_total"),
    errors: catalogRole("envoy.http.downstream_rq_5xx"),
    latency: catalogRole("envoy.http.downstream_rq_time"),
  },
  {
    name: "gunicorn",
    words: ["gunicorn", "the python app"],
    requests: catalogRole("gunicorn.requests"),
    errors: catalogRole("gunicorn.request.status.500"),
    latency: catalogRole("gunicorn.request.duration.95percentile"),
  },
  {
    name: "tomcat",
    words: ["tomcat", "the java app"],
    requests: catalogRole("tomcat.request_count"),
    errors: catalogRole("tomcat.error_count"),
    latency: catalogRole("tomcat.max_time"),
    runtime: "jvm",
  },
];

/** A team's own metrics: names of its choosing, no metadata unless it submitted some. */
function customStack(r: DrawRandom): HttpStack {
  const ns = r.pick(["app", "api", "web", "backend", "svc"]);
  const ms = r.chance(0.6);
  return {
    name: "custom",
    words: ["the api", "the service"],
    requests: ownRole(`${ns}.${r.pick(["requests", "http.requests", "request.count"])}`, "custom", {
      reading: "count",
      ...(r.chance(0.5) ? { unit: "request", metric_type: "count" as const } : {}),
    }),
    errors: ownRole(`${ns}.${r.pick(["errors", "http.errors", "request.failed"])}`, "custom", {
      reading: "count",
      ...(r.chance(0.5) ? { unit: "error", metric_type: "count" as const } : {}),
    }),
    latency: ownRole(
      `${ns}.${r.pick(["latency", "request.duration", "http.latency"])}${ms ? "_ms" : ""}`,
      "custom",
      {
        unit: ms ? "millisecond" : "second",
        ...(r.chance(0.5) ? { metric_type: "gauge" as const } : {}),
      },
    ),
  };
}

/** An instrumentation drawn the way teams use them: APM most often, then integrations, OpenTelemetry, custom. */
export function drawHttpStack(r: DrawRandom): HttpStack {
  return r.weighted<() => HttpStack>([
    [() => apmStack(r), 4],
    [() => r.pick(INTEGRATION_STACKS), 3],
    [() => otelStack(r), 2],
    [() => customStack(r), 1.5],
  ])();
}
