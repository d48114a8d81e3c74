import type { JobProgress } from "./job-progress";

const key = (jobId: string) => `orch.console.progress.${jobId}`;

/**
 * A job's progress, kept in sessionStorage while the tab lives: after a reload the page shows
 * what it had seen and resumes the stream after the last event id instead of replaying it.
 */
export const progressStore = {
  load(jobId: string): JobProgress | undefined {
    try {
      const text = sessionStorage.getItem(key(jobId));
      return text ? (JSON.parse(text) as JobProgress) : undefined;
    } catch {
      return undefined;
    }
  },
  save(jobId: string, progress: JobProgress): void {
    try {
      sessionStorage.setItem(key(jobId), JSON.stringify({ ...progress, ended: undefined }));
    } catch {
      // A full storage only costs the resume: the stream replays from the start after a reload.
    }
  },
  clear(jobId: string): void {
    sessionStorage.removeItem(key(jobId));
  },
};
