import type { JobView } from "../api/api-types";
import { ago, duration } from "../format/time-text";
import { routeHref } from "../routing/hash-route";
import { StatusBadge } from "./status-badge";

function took(job: JobView): string {
  if (!job.finished_at) return "";
  return duration(Date.parse(job.finished_at) - Date.parse(job.started_at ?? job.created_at));
}

/** Jobs as a list of links: status, service, question, when and how long. */
export function JobList({ jobs }: { readonly jobs: readonly JobView[] }) {
  if (jobs.length === 0) return <p class="muted">No jobs yet.</p>;
  return (
    <ul class="job-list">
      {jobs.map((job) => (
        <li key={job.job_id} class="job-item" data-job={job.job_id}>
          <a href={routeHref({ page: "job", id: job.job_id })} class="job-link">
            <span class="job-question">{job.user_message}</span>
          </a>
          <span class="job-facts">
            <StatusBadge status={job.status} />
            <code>{job.service_id}</code>
            <span>{ago(job.created_at)}</span>
            {took(job) ? <span>{took(job)}</span> : null}
            {job.session_id ? (
              <a href={routeHref({ page: "session", id: job.session_id })}>session {job.session_id}</a>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
