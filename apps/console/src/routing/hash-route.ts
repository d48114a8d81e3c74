/**
 * The console's pages live in the URL's fragment (`/#/jobs/<id>`): the API owns every path, so
 * `/jobs/<id>` is the JSON of a job, and a reload or a shared link of a page still reaches the
 * console at `/`.
 */
export type Route =
  | { readonly page: "ask"; readonly service?: string; readonly session?: string }
  | { readonly page: "job"; readonly id: string }
  | { readonly page: "history"; readonly status?: string; readonly service?: string }
  | { readonly page: "session"; readonly id: string }
  | { readonly page: "not-found"; readonly hash: string };

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const opt = (name: string) => {
    const value = params.get(name);
    return value ? { [name]: value } : {};
  };
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "ask", ...opt("service"), ...opt("session") };
  const [first, id] = parts;
  if (first === "jobs" && id && parts.length === 2 && ID.test(id)) return { page: "job", id };
  if (first === "sessions" && id && parts.length === 2 && ID.test(id)) return { page: "session", id };
  if (first === "history" && parts.length === 1)
    return { page: "history", ...opt("status"), ...opt("service") };
  return { page: "not-found", hash };
}

export function routeHref(route: Route): string {
  const query = (entries: Record<string, string | undefined>) => {
    const params = new URLSearchParams(
      Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""),
    ).toString();
    return params ? `?${params}` : "";
  };
  switch (route.page) {
    case "ask":
      return `#/${query({ service: route.service, session: route.session })}`;
    case "job":
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case "session":
      return `#/sessions/${encodeURIComponent(route.id)}`;
    case "history":
      return `#/history${query({ status: route.status, service: route.service })}`;
    case "not-found":
      return route.hash;
  }
}
