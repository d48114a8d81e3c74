import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiClient } from "./api/api-client";
import { tokenStore } from "./auth/token-store";
import { parseRoute, routeHref, type Route } from "./routing/hash-route";
import { AskPage } from "./views/ask-page";
import { HistoryPage } from "./views/history-page";
import { JobPage } from "./views/job-page";
import { SessionPage } from "./views/session-page";
import { SignIn } from "./views/sign-in";

const EXPIRED =
  "Your token is no longer accepted (it was removed from API_TOKENS or the service restarted with new tokens). Sign in again.";

function Page({ route, api }: { readonly route: Route; readonly api: ApiClient }) {
  switch (route.page) {
    case "ask":
      return (
        <AskPage
          api={api}
          {...(route.service ? { service: route.service } : {})}
          {...(route.session ? { session: route.session } : {})}
        />
      );
    case "job":
      return <JobPage key={route.id} api={api} id={route.id} />;
    case "history":
      return (
        <HistoryPage
          api={api}
          {...(route.status ? { status: route.status } : {})}
          {...(route.service ? { service: route.service } : {})}
        />
      );
    case "session":
      return <SessionPage key={route.id} api={api} id={route.id} />;
    case "not-found":
      return (
        <section>
          <h1 tabIndex={-1}>Nothing here</h1>
          <p>
            The console has no page at <code>{route.hash}</code>.{" "}
            <a href={routeHref({ page: "ask" })}>Ask a question</a>.
          </p>
        </section>
      );
  }
}

const TITLES: Readonly<Record<Route["page"], string>> = {
  ask: "Ask",
  job: "Job",
  history: "Your jobs",
  session: "Session",
  "not-found": "Not found",
};

/** The console: sign-in, then the page the URL's fragment names, under one header. */
export function App() {
  const [token, setToken] = useState(tokenStore.get());
  const [notice, setNotice] = useState<string>();
  const [route, setRoute] = useState(() => parseRoute(location.hash));

  useEffect(() => {
    const follow = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", follow);
    return () => removeEventListener("hashchange", follow);
  }, []);
  // A new page gets the focus on its heading, as a new document would (screen readers announce it).
  useEffect(() => {
    document.title = `${TITLES[route.page]} · AI Orchestrator`;
    document.querySelector<HTMLElement>("main h1")?.focus({ preventScroll: false });
  }, [route]);

  const api = useMemo(
    () =>
      token
        ? new ApiClient(token, () => {
            tokenStore.clear();
            setNotice(EXPIRED);
            setToken(undefined);
          })
        : undefined,
    [token],
  );
  if (!api)
    return (
      <SignIn
        {...(notice ? { notice } : {})}
        onSignedIn={(value) => {
          tokenStore.set(value);
          setNotice(undefined);
          setToken(value);
        }}
      />
    );
  const signOut = () => {
    tokenStore.clear();
    sessionStorage.clear();
    setToken(undefined);
  };
  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={routeHref({ page: "ask" })}>
          AI Orchestrator
        </a>
        <nav aria-label="Console">
          <a href={routeHref({ page: "ask" })} aria-current={route.page === "ask" ? "page" : undefined}>
            Ask
          </a>
          <a
            href={routeHref({ page: "history" })}
            aria-current={route.page === "history" ? "page" : undefined}
          >
            History
          </a>
          <a href="/docs" target="_blank" rel="noopener">
            API docs
          </a>
        </nav>
        <button type="button" class="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} api={api} />
      </main>
    </>
  );
}
