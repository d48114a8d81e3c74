import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../api/api-client";
import { ApiProblem } from "../api/api-problem";
import type { Evidence, JobTrace, JobView } from "../api/api-types";
import { JobEventStream, type StreamState } from "../api/job-event-stream";
import { INITIAL_PROGRESS, applyEvent, isTerminal, type JobProgress } from "./job-progress";
import { progressStore } from "./progress-store";

export interface JobState {
  readonly view?: JobView;
  readonly progress: JobProgress;
  readonly stream: StreamState;
  readonly trace?: JobTrace;
  readonly evidence?: Evidence;
  /** The job cannot be shown (unknown, another token's, the API unreachable). */
  readonly problem?: ApiProblem;
  readonly evidenceProblem?: ApiProblem;
  /** Replaces the view (after a cancel). */
  readonly setView: (view: JobView) => void;
}

const parse = (data: string): unknown => {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * A job as its page shows it: the view, then — while it runs — its progress from the event
 * stream (resumed after a reload from the last event id this tab saw), and once it ended its
 * trace and evidence.
 */
export function useJob(api: ApiClient, id: string): JobState {
  const [view, setView] = useState<JobView>();
  const [progress, setProgress] = useState<JobProgress>(INITIAL_PROGRESS);
  const [stream, setStream] = useState<StreamState>("closed");
  const [trace, setTrace] = useState<JobTrace>();
  const [evidence, setEvidence] = useState<Evidence>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [evidenceProblem, setEvidenceProblem] = useState<ApiProblem>();

  useEffect(() => {
    let stopped = false;
    let events: JobEventStream | undefined;
    const refresh = () => api.get<JobView>(`/jobs/${encodeURIComponent(id)}`);
    refresh().then(
      (loaded) => {
        if (stopped) return;
        setView(loaded);
        if (isTerminal(loaded.status)) {
          progressStore.clear(id);
          return;
        }
        let current = progressStore.load(id) ?? INITIAL_PROGRESS;
        setProgress(current);
        events = new JobEventStream(api, id, current.lastEventId || undefined, {
          onEvent(event) {
            const data = parse(event.data);
            current = applyEvent(current, event.id, event.event, data);
            setProgress(current);
            if (event.event === "end") {
              progressStore.clear(id);
              setView(data as JobView);
            } else progressStore.save(id, current);
          },
          onState(state) {
            setStream(state);
            // Closed without an end event (resumed after it, or given up): the record says how it ended.
            if (state === "closed" && !stopped && !isTerminal(current.status))
              refresh().then((v) => !stopped && setView(v), setProblem);
          },
          onProblem: setProblem,
        });
        events.start();
      },
      (p: unknown) => !stopped && setProblem(p instanceof ApiProblem ? p : ApiProblem.network(p)),
    );
    return () => {
      stopped = true;
      events?.close();
    };
  }, [api, id]);

  const ended = view !== undefined && isTerminal(view.status);
  const executed = view?.progress.phases_completed.includes("execution") ?? false;
  useEffect(() => {
    if (!ended) return;
    api.get<JobTrace>(`/jobs/${encodeURIComponent(id)}/trace`).then(setTrace, () => undefined);
    if (executed)
      api.get<Evidence>(`/jobs/${encodeURIComponent(id)}/evidence`).then(setEvidence, setEvidenceProblem);
  }, [api, id, ended, executed]);

  return {
    progress,
    stream,
    setView,
    ...(view ? { view } : {}),
    ...(trace ? { trace } : {}),
    ...(evidence ? { evidence } : {}),
    ...(problem ? { problem } : {}),
    ...(evidenceProblem ? { evidenceProblem } : {}),
  };
}
