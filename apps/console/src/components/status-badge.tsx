import type { JobStatus } from "../api/api-types";

const LABEL: Readonly<Record<JobStatus, string>> = {
  queued: "queued",
  planning: "planning",
  executing: "reading data",
  synthesizing: "writing the answer",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

/** A job's status in words, coloured by outcome (the word carries it for those who do not see colour). */
export function StatusBadge({ status }: { readonly status: JobStatus }) {
  return (
    <span class={`badge status-${status}`} data-status={status}>
      {LABEL[status]}
    </span>
  );
}
