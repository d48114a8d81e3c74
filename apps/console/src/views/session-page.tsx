import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../api/api-client";
import type { ApiProblem } from "../api/api-problem";
import type { JobView, SessionMessages } from "../api/api-types";
import { Markdown } from "../components/markdown";
import { ProblemMessage } from "../components/problem-message";
import { clock } from "../format/time-text";
import { routeHref } from "../routing/hash-route";

/** A session's conversation, oldest first, each exchange linked to its job; a follow-up goes on. */
export function SessionPage({ api, id }: { readonly api: ApiClient; readonly id: string }) {
  const [session, setSession] = useState<SessionMessages>();
  const [service, setService] = useState<string>();
  const [problem, setProblem] = useState<ApiProblem>();
  useEffect(() => {
    api.get<SessionMessages>(`/sessions/${encodeURIComponent(id)}/messages`).then((s) => {
      setSession(s);
      // Messages do not carry the service; the last job of the session does.
      const last = [...s.messages].reverse().find((m) => m.job_id)?.job_id;
      if (last)
        api.get<JobView>(`/jobs/${encodeURIComponent(last)}`).then(
          (j) => setService(j.service_id),
          () => undefined,
        );
    }, setProblem);
  }, [api, id]);
  return (
    <section class="session" aria-labelledby="session-title">
      <h1 id="session-title" tabIndex={-1}>
        Session {id}
      </h1>
      {problem ? <ProblemMessage problem={problem} /> : null}
      {session ? (
        <ol class="conversation">
          {session.messages.map((m, i) => (
            <li key={i} class={`message message-${m.role}`}>
              <p class="message-meta">
                <strong>{m.role === "user" ? "Question" : "Answer"}</strong>
                {m.at ? <span> · {clock(m.at, true)}</span> : null}
                {m.job_id ? (
                  <span>
                    {" "}
                    · <a href={routeHref({ page: "job", id: m.job_id })}>job</a>
                  </span>
                ) : null}
              </p>
              {m.role === "user" ? <p>{m.content}</p> : <Markdown text={m.content} />}
            </li>
          ))}
        </ol>
      ) : problem ? null : (
        <p class="muted">Loading…</p>
      )}
      {session ? (
        <p>
          <a
            class="button primary"
            href={routeHref({ page: "ask", session: id, ...(service ? { service } : {}) })}
          >
            Ask a follow-up in this session
          </a>
        </p>
      ) : null}
    </section>
  );
}
