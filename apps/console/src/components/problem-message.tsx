import type { ApiProblem } from "../api/api-problem";

/** An API problem, said as the API said it, in an alert region. */
export function ProblemMessage({
  problem,
  title,
}: {
  readonly problem: ApiProblem;
  readonly title?: string;
}) {
  return (
    <div class="problem" role="alert">
      {title ? <strong>{title} </strong> : null}
      {problem.detail}
      {problem.errors.length > 1 ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.retryAfterSeconds ? <span> Try again in {problem.retryAfterSeconds} s.</span> : null}
    </div>
  );
}
