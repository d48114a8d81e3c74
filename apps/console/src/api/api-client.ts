import { ApiProblem } from "./api-problem";

/**
 * The API over fetch, with the signed-in token in the Authorization header (no cookies: nothing
 * a page elsewhere could make the browser send). A 401 on any call signs the console out.
 */
export class ApiClient {
  constructor(
    readonly token: string,
    private readonly onUnauthorized: (problem: ApiProblem) => void,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, Accept: "application/json", ...extra };
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.call<T>("GET", path, undefined, {}, signal);
  }

  async post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.call<T>("POST", path, body, headers);
  }

  async delete<T>(path: string): Promise<T> {
    return this.call<T>("DELETE", path);
  }

  /** Reports a 401 to the app (which signs out) and returns the problem to throw. */
  unauthorized(problem: ApiProblem): ApiProblem {
    if (problem.status === 401) this.onUnauthorized(problem);
    return problem;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: this.headers(
          body === undefined ? headers : { "Content-Type": "application/json", ...headers },
        ),
        credentials: "omit",
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw ApiProblem.network(error);
    }
    if (!res.ok) throw this.unauthorized(await ApiProblem.fromResponse(res));
    return (await res.json()) as T;
  }
}
