import type { Finding } from "./finding.js";

/** One part of an answer's details, e.g. "Findings", "Key series", "Recommendations". */
export interface AnswerSection {
  readonly title: string;
  readonly markdown: string;
}

/** The reasoner's final answer, in the shape both reasoners return. */
export interface Answer {
  /** The whole answer: the direct answer and summary, then every section. */
  readonly answer_markdown: string;
  /** One or two sentences that answer the question asked (yes/no, the cause, the state). */
  readonly direct_answer?: string;
  /** The short form: the direct answer, the causal chain once, other issues and the next step. */
  readonly summary?: string;
  /** The details, section by section, for clients that show them a click away. */
  readonly sections?: readonly AnswerSection[];
  /** Ids of the findings the answer relies on. */
  readonly findings_used: readonly string[];
  readonly recommendations: readonly string[];
  /** In [0, 1], grounded in data coverage and signal strength. */
  readonly confidence: number;
}

/** What a completed job returns to clients. */
export interface JobResult extends Answer {
  readonly direct_answer: string;
  readonly summary: string;
  readonly sections: readonly AnswerSection[];
  readonly findings: readonly Finding[];
  readonly reasoner: string;
  readonly data_source: string;
  /** Data the answer could not use, e.g. "metrics trace.http.request.errors: timeout". */
  readonly missing_data: readonly string[];
  readonly window: { readonly start: string; readonly end: string; readonly label: string };
}
