import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../api/api-client";
import type { ApiProblem } from "../api/api-problem";
import type { JobList as JobPage } from "../api/api-types";
import { AskForm } from "../ask/ask-form";
import { JobList } from "../components/job-list";
import { ProblemMessage } from "../components/problem-message";
import { routeHref } from "../routing/hash-route";

/** The start page: the question form, and the caller's latest jobs beside it. */
export function AskPage(props: {
  readonly api: ApiClient;
  readonly service?: string;
  readonly session?: string;
}) {
  const { api } = props;
  const [recent, setRecent] = useState<JobPage>();
  const [problem, setProblem] = useState<ApiProblem>();
  useEffect(() => {
    api.get<JobPage>("/jobs?limit=8").then(setRecent, setProblem);
  }, [api]);
  return (
    <div class="ask-page">
      <h1 tabIndex={-1} class="visually-hidden">
        Ask a question
      </h1>
      <AskForm
        api={api}
        {...(props.service ? { service: props.service } : {})}
        {...(props.session ? { session: props.session } : {})}
      />
      <section class="recent" aria-labelledby="recent-title">
        <h2 id="recent-title">Your recent jobs</h2>
        {problem ? <ProblemMessage problem={problem} /> : null}
        {recent ? <JobList jobs={recent.jobs} /> : problem ? null : <p class="muted">Loading…</p>}
        <p>
          <a href={routeHref({ page: "history" })}>All your jobs</a>
        </p>
      </section>
    </div>
  );
}
