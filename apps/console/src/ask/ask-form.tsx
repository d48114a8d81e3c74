import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../api/api-client";
import { ApiProblem } from "../api/api-problem";
import type { JobAccepted, ServiceList } from "../api/api-types";
import { ProblemMessage } from "../components/problem-message";
import { routeHref } from "../routing/hash-route";
import { TIMEFRAME_PRESETS, localInputValue, timeframeOptions, type TimeframeChoice } from "./timeframe";

type Field = "service_id" | "user_message" | "session_id" | "from" | "to";

/** Which form field an API error names (`options.from` → the start input). */
function fieldOf(apiField: string): Field | undefined {
  if (apiField.startsWith("options.from") || apiField === "options") return "from";
  if (apiField.startsWith("options.to")) return "to";
  return (["service_id", "user_message", "session_id"] as const).find((f) => apiField === f);
}

const newSession = () => `s-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;

/**
 * The question form: a service (from the backend's directory when there is one, else typed, with
 * the known services suggested), the question, a window (a preset or an absolute range) and an
 * optional session for follow-ups. Submitting starts the job and opens its page.
 */
export function AskForm(props: {
  readonly api: ApiClient;
  readonly service?: string;
  readonly session?: string;
}) {
  const { api } = props;
  const [services, setServices] = useState<ServiceList>();
  const [service, setService] = useState(props.service ?? "");
  const [question, setQuestion] = useState("");
  const [choice, setChoice] = useState<TimeframeChoice>("question");
  const [from, setFrom] = useState(() => localInputValue(Date.now() - 3_600_000));
  const [to, setTo] = useState(() => localInputValue(Date.now()));
  const [session, setSession] = useState(props.session ?? "");
  const [offline, setOffline] = useState(false);
  const [problem, setProblem] = useState<ApiProblem>();
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<ServiceList>("/services").then(setServices, () => setServices(undefined));
  }, [api]);
  const known = services?.services.find((s) => s.service_id === service);
  const pick = services && !services.free_text;

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (!service.trim()) found.service_id = "Choose the service the question is about.";
    if (!question.trim()) found.user_message = "Write your question.";
    const window = timeframeOptions(choice, from, to, Date.now());
    if ("error" in window) found[window.field] = window.error;
    setErrors(found);
    setProblem(undefined);
    if (Object.keys(found).length > 0 || "error" in window) return;
    const options = { ...window.options, ...(offline ? { reasoner: "offline" } : {}) };
    setBusy(true);
    try {
      const accepted = await api.post<JobAccepted>(
        "/jobs",
        {
          service_id: service.trim(),
          user_message: question.trim(),
          ...(session.trim() ? { session_id: session.trim() } : {}),
          ...(Object.keys(options).length > 0 ? { options } : {}),
        },
        // A double submit (or a retry after a dropped answer) makes one job, not two.
        { "Idempotency-Key": crypto.randomUUID() },
      );
      location.hash = routeHref({ page: "job", id: accepted.job_id });
    } catch (error) {
      const p = error instanceof ApiProblem ? error : ApiProblem.network(error);
      const byField: Partial<Record<Field, string>> = {};
      for (const e of p.errors) {
        const field = fieldOf(e.field);
        if (field) byField[field] = e.message;
      }
      setErrors(byField);
      setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  const described = (field: Field, help?: string) =>
    errors[field] ? `${field}-error` : help ? `${field}-help` : undefined;
  const error = (field: Field) =>
    errors[field] ? (
      <p id={`${field}-error`} class="field-error">
        {errors[field]}
      </p>
    ) : null;

  return (
    <form class="ask-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="ask-title">
      <h2 id="ask-title">Ask</h2>
      <label for="service_id">Service</label>
      {pick ? (
        <select
          id="service_id"
          value={service}
          required
          aria-invalid={errors.service_id ? "true" : undefined}
          aria-describedby={described("service_id", "service_id-help")}
          onChange={(e) => setService(e.currentTarget.value)}
        >
          <option value="">Choose a service…</option>
          {services.services.map((s) => (
            <option key={s.service_id} value={s.service_id}>
              {s.service_id}
              {s.env ? ` (${s.env})` : ""}
            </option>
          ))}
        </select>
      ) : (
        <>
          <input
            id="service_id"
            list="service-suggestions"
            value={service}
            required
            autocomplete="off"
            spellcheck={false}
            placeholder="e.g. api-gateway"
            aria-invalid={errors.service_id ? "true" : undefined}
            aria-describedby={described("service_id", "service_id-help")}
            onInput={(e) => setService(e.currentTarget.value)}
          />
          <datalist id="service-suggestions">
            {services?.services.map((s) => (
              <option key={s.service_id} value={s.service_id}>
                {s.description ?? s.service_id}
              </option>
            ))}
          </datalist>
        </>
      )}
      <p id="service_id-help" class="help">
        {known?.description ??
          (services?.source === "backend"
            ? "Services from the backend's directory."
            : services?.source === "demo"
              ? "Demo data: every id works; these have an incident in the last hour."
              : "The Datadog service name (its service tag).")}
        {services?.detail ? ` (${services.detail})` : ""}
      </p>
      {error("service_id")}

      <label for="user_message">Question</label>
      <textarea
        id="user_message"
        rows={3}
        maxLength={4000}
        required
        value={question}
        placeholder={known?.example_question ?? "e.g. Why are 5xx errors up since the deploy?"}
        aria-invalid={errors.user_message ? "true" : undefined}
        aria-describedby={described("user_message")}
        onInput={(e) => setQuestion(e.currentTarget.value)}
      />
      {known?.example_question && !question ? (
        <button type="button" class="link-button" onClick={() => setQuestion(known.example_question ?? "")}>
          Use the example question
        </button>
      ) : null}
      {error("user_message")}

      <fieldset class="timeframe">
        <legend>Time window</legend>
        <label for="timeframe" class="visually-hidden">
          Time window
        </label>
        <select
          id="timeframe"
          value={choice}
          onChange={(e) => setChoice(e.currentTarget.value as TimeframeChoice)}
        >
          {TIMEFRAME_PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        {choice === "custom" ? (
          <div class="range">
            {(
              [
                ["from", "From (your time)", from, setFrom],
                ["to", "To", to, setTo],
              ] as const
            ).map(([field, label, value, set]) => (
              <div key={field}>
                <label for={field}>{label}</label>
                <input
                  id={field}
                  type="datetime-local"
                  value={value}
                  aria-invalid={errors[field] ? "true" : undefined}
                  aria-describedby={described(field)}
                  onInput={(e) => set(e.currentTarget.value)}
                />
                {error(field)}
              </div>
            ))}
          </div>
        ) : null}
      </fieldset>

      <label for="session_id">Session (optional)</label>
      <div class="inline-field">
        <input
          id="session_id"
          value={session}
          autocomplete="off"
          spellcheck={false}
          placeholder="e.g. incident-4711"
          aria-invalid={errors.session_id ? "true" : undefined}
          aria-describedby={described("session_id", "session_id-help")}
          onInput={(e) => setSession(e.currentTarget.value)}
        />
        <button type="button" onClick={() => setSession(newSession())}>
          New
        </button>
      </div>
      <p id="session_id-help" class="help">
        Questions in one session are a conversation: a follow-up is planned with the earlier answers.
      </p>
      {error("session_id")}

      <label class="checkbox">
        <input type="checkbox" checked={offline} onChange={(e) => setOffline(e.currentTarget.checked)} />
        Use the offline analyst (no model calls, no cost)
      </label>

      {problem ? <ProblemMessage problem={problem} title="Not sent:" /> : null}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Sending…" : "Ask"}
      </button>
    </form>
  );
}
