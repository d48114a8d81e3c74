import { useState } from "preact/hooks";
import { ApiProblem } from "../api/api-problem";

async function check(token: string): Promise<ApiProblem | undefined> {
  try {
    const res = await fetch("/jobs?limit=1", {
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
      credentials: "omit",
    });
    return res.ok ? undefined : await ApiProblem.fromResponse(res);
  } catch (error) {
    return ApiProblem.network(error);
  }
}

function explain(problem: ApiProblem): string {
  if (problem.status === 401)
    return "The API did not accept that token. Use one of the tokens in API_TOKENS, or the one `npm start` printed when it started.";
  return problem.detail;
}

/** Sign in with an API token; the token is checked against the API before it is kept. */
export function SignIn({
  notice,
  onSignedIn,
}: {
  readonly notice?: string;
  readonly onSignedIn: (token: string) => void;
}) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError("Enter your API token.");
      return;
    }
    setBusy(true);
    const problem = await check(value);
    setBusy(false);
    if (problem) setError(explain(problem));
    else onSignedIn(value);
  };
  return (
    <main id="main" class="sign-in">
      <h1>AI Orchestrator</h1>
      <p class="lead">Ask about a service, watch the investigation, read the answer with its evidence.</p>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={(e) => void submit(e)} noValidate aria-describedby="token-help">
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          value={token}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "token-error" : "token-help"}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <p id="token-help" class="help">
          Kept in this tab only (sessionStorage) and sent as a bearer token; closing the tab signs you out.
        </p>
        {error ? (
          <p id="token-error" class="problem" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
