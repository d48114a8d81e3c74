import type { JobResult } from "../api/api-types";
import { Markdown } from "./markdown";

function confidenceWord(c: number): string {
  return c >= 0.75 ? "high" : c >= 0.5 ? "moderate" : "low";
}

/**
 * The answer, shortest first: the direct answer and the summary, the recommendations, then each
 * section of the details a click away.
 */
export function AnswerView({ result }: { readonly result: JobResult }) {
  const pct = Math.round(result.confidence * 100);
  // The summary opens with the direct answer, which is already shown above it.
  const summary = result.summary.startsWith(result.direct_answer)
    ? result.summary.slice(result.direct_answer.length).trim()
    : result.summary;
  return (
    <section class="answer" aria-labelledby="answer-title">
      <h2 id="answer-title">Answer</h2>
      <p class="direct-answer">{result.direct_answer}</p>
      <p class="confidence">
        <span>
          Confidence {pct}% ({confidenceWord(result.confidence)})
        </span>
        <meter min={0} max={100} low={50} high={75} optimum={100} value={pct} aria-label="confidence" />
        <span class="muted">
          {result.window.label} · {result.reasoner} · {result.data_source}
        </span>
      </p>
      {summary ? <Markdown text={summary} class="summary" /> : null}
      {/* Shown here unless the details have them as a section of their own. */}
      {result.recommendations.length > 0 && !result.sections.some((s) => /recommendation/i.test(s.title)) ? (
        <div class="recommendations">
          <h3>Recommendations</h3>
          <ul>
            {result.recommendations.map((r, i) => (
              <li key={i}>
                <Markdown text={r} class="inline" />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.missing_data.length > 0 ? (
        <div class="missing" role="note">
          <h3>Data the answer could not use</h3>
          <ul>
            {result.missing_data.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="sections">
        <h3>Details</h3>
        {result.sections.map((section) => (
          <details key={section.title} class="section">
            <summary>{section.title}</summary>
            <Markdown text={section.markdown} />
          </details>
        ))}
      </div>
    </section>
  );
}
