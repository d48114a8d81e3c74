/** An error the console shows: a problem document from the API, or a network failure. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: ReadonlyArray<{ readonly field: string; readonly message: string }> = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = "ApiProblem";
  }

  /** The API answered with an application/problem+json body (or something else, said plainly). */
  static async fromResponse(res: Response): Promise<ApiProblem> {
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = undefined;
    }
    const doc = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const errors = Array.isArray(doc.errors)
      ? doc.errors.flatMap((e: unknown) => {
          const entry = e as { field?: unknown; message?: unknown };
          return typeof entry.field === "string" && typeof entry.message === "string"
            ? [{ field: entry.field, message: entry.message }]
            : [];
        })
      : [];
    const retry = Number(res.headers.get("Retry-After") ?? doc.retry_after_seconds);
    return new ApiProblem(
      res.status,
      typeof doc.code === "string" ? doc.code : `http_${res.status}`,
      typeof doc.detail === "string" ? doc.detail : `The API answered ${res.status} ${res.statusText}.`,
      errors,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }

  static network(error: unknown): ApiProblem {
    const reason = error instanceof Error ? error.message : String(error);
    return new ApiProblem(
      0,
      "network",
      `The API could not be reached (${reason}). Check that it is running.`,
    );
  }
}
