import { APIConnectionTimeoutError, APIError } from "openai";

/**
 * A one-line description of a failed model call, safe for traces: the HTTP status and the
 * server's message, with anything resembling a key removed.
 */
export function describeLlmError(error: unknown, secrets: readonly string[] = []): string {
  let text: string;
  if (error instanceof APIConnectionTimeoutError) text = "timeout: no reply in time (after retries)";
  else if (error instanceof APIError) {
    const code = typeof error.code === "string" ? ` ${error.code}` : "";
    text = error.status
      ? `HTTP ${error.status}${code}: ${error.message}`
      : `connection error: ${error.message}`;
  } else if (error instanceof Error) text = error.message;
  else text = "unknown error";
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join("***");
  return text
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_\-*]{6,}/g, "$1-***")
    .replace(/Bearer\s+\S+/gi, "Bearer ***")
    .replace(/\s+/g, " ")
    .slice(0, 300);
}
