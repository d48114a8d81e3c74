// The view is rendered by the worker too (webhook bodies), so it lives in @orch/queue.
export { jobLinks, toJobView, type JobView } from "@orch/queue";
