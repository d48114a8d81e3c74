import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../api/api-client";
import type { ApiProblem } from "../api/api-problem";
import type { JobList as JobPage, JobView } from "../api/api-types";
import { JobList } from "../components/job-list";
import { ProblemMessage } from "../components/problem-message";
import { routeHref } from "../routing/hash-route";

const STATUSES = ["", "completed", "failed", "cancelled", "queued", "planning", "executing", "synthesizing"];

/** GET /jobs with its filters, a page at a time. */
export function HistoryPage(props: {
  readonly api: ApiClient;
  readonly status?: string;
  readonly service?: string;
}) {
  const { api } = props;
  const [jobs, setJobs] = useState<readonly JobView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem>();
  const [loading, setLoading] = useState(true);
  const [service, setService] = useState(props.service ?? "");

  const query = (after: string | null) => {
    const params = new URLSearchParams({ limit: "25" });
    if (props.status) params.set("status", props.status);
    if (props.service) params.set("service_id", props.service);
    if (after) params.set("cursor", after);
    return `/jobs?${params.toString()}`;
  };
  const load = (after: string | null) => {
    setLoading(true);
    api.get<JobPage>(query(after)).then(
      (page) => {
        setJobs((previous) => (after ? [...previous, ...page.jobs] : page.jobs));
        setCursor(page.next_cursor);
        setProblem(undefined);
        setLoading(false);
      },
      (p: ApiProblem) => {
        setProblem(p);
        setLoading(false);
      },
    );
  };
  useEffect(() => load(null), [api, props.status, props.service]);

  const filter = (status: string | undefined, svc: string | undefined) => {
    location.hash = routeHref({
      page: "history",
      ...(status ? { status } : {}),
      ...(svc ? { service: svc } : {}),
    });
  };
  return (
    <section class="history" aria-labelledby="history-title">
      <h1 id="history-title" tabIndex={-1}>
        Your jobs
      </h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          filter(props.status, service.trim() || undefined);
        }}
      >
        <div>
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={props.status ?? ""}
            onChange={(e) => filter(e.currentTarget.value || undefined, props.service)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || "any"}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-service">Service</label>
          <input id="filter-service" value={service} onInput={(e) => setService(e.currentTarget.value)} />
        </div>
        <button type="submit">Filter</button>
      </form>
      {problem ? <ProblemMessage problem={problem} /> : null}
      <JobList jobs={jobs} />
      {cursor ? (
        <button type="button" onClick={() => load(cursor)} disabled={loading}>
          {loading ? "Loading…" : "Load more"}
        </button>
      ) : loading ? (
        <p class="muted">Loading…</p>
      ) : null}
    </section>
  );
}
