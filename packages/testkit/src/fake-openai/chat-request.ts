/** A chat message as the fake received it; `content` flattened to text. */
export interface FakeChatMessage {
  readonly role: string;
  readonly content: string;
}

/** The parts of a Chat Completions request body the fake looks at, plus the whole body. */
export interface FakeChatRequest {
  readonly model: string;
  readonly messages: readonly FakeChatMessage[];
  readonly response_format?: {
    readonly type: string;
    readonly json_schema?: { readonly name?: string; readonly strict?: boolean; readonly schema?: unknown };
  };
  readonly tools?: ReadonlyArray<{ readonly type: string; readonly function: { readonly name: string } }>;
  readonly tool_choice?: unknown;
  readonly stream?: boolean;
  readonly raw: Readonly<Record<string, unknown>>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : ""))
      .filter(Boolean)
      .join("\n");
  }
  return "";
}

/** Reads a request body, or says what makes it invalid (as the real API would, with a 400). */
export function parseChatRequest(
  body: unknown,
): { ok: true; request: FakeChatRequest } | { ok: false; error: string } {
  if (!isRecord(body)) return { ok: false, error: "the body must be a JSON object" };
  if (typeof body.model !== "string" || body.model === "")
    return { ok: false, error: "you must provide a model parameter" };
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { ok: false, error: "'messages' must be a non-empty array" };
  }
  const messages: FakeChatMessage[] = [];
  for (const m of body.messages) {
    if (!isRecord(m) || typeof m.role !== "string") return { ok: false, error: "each message needs a role" };
    messages.push({ role: m.role, content: textOf(m.content) });
  }
  const format =
    isRecord(body.response_format) && typeof body.response_format.type === "string"
      ? body.response_format
      : undefined;
  const schema = format && isRecord(format.json_schema) ? format.json_schema : undefined;
  const tools = Array.isArray(body.tools)
    ? body.tools.flatMap((t) =>
        isRecord(t) && isRecord(t.function) && typeof t.function.name === "string"
          ? [{ type: "function", function: { name: t.function.name } }]
          : [],
      )
    : undefined;
  return {
    ok: true,
    request: {
      model: body.model,
      messages,
      ...(format
        ? {
            response_format: {
              type: String(format.type),
              ...(schema
                ? {
                    json_schema: {
                      ...(typeof schema.name === "string" ? { name: schema.name } : {}),
                      ...(typeof schema.strict === "boolean" ? { strict: schema.strict } : {}),
                      schema: schema.schema,
                    },
                  }
                : {}),
            },
          }
        : {}),
      ...(tools ? { tools } : {}),
      ...(body.tool_choice !== undefined ? { tool_choice: body.tool_choice } : {}),
      ...(body.stream === true ? { stream: true } : {}),
      raw: body,
    },
  };
}

/** The text of the last user message. */
export function lastUserText(request: FakeChatRequest): string {
  return [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
}
