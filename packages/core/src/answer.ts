import type { Finding } from "./finding.js";

/** The reasoner's final answer, in the shape both reasoners return. */
export interface Answer {
  readonly answer_markdown: string;
  /** Ids of the findings the answer relies on. */
  readonly findings_used: readonly string[];
  readonly recommendations: readonly string[];
  /** In [0, 1], grounded in data coverage and signal strength. */
  readonly confidence: number;
}

/** What a completed job returns to clients. */
export interface JobResult extends Answer {
  readonly findings: readonly Finding[];
  readonly reasoner: string;
  readonly data_source: string;
  /** Data the answer could not use, e.g. "metrics trace.http.request.errors: timeout". */
  readonly missing_data: readonly string[];
  readonly window: { readonly start: string; readonly end: string; readonly label: string };
}
