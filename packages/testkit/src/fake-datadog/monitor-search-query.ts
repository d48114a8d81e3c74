/**
 * The query language of GET /api/v1/monitor/search, as Datadog's "Search Monitors" page documents
 * it: `key:value` attributes (`tag:"service:x"`, `scope:service:x`, `status:Alert`) and free
 * text, values quoted when they hold reserved characters, `AND` (also implied by a space), `OR`,
 * `NOT` (or a leading `-`), parentheses, and `key:(a OR b)`.
 */

/** One `key:value` or free-text term; `key` absent for free text. Values are lower-cased. */
export interface SearchTerm {
  readonly key?: string;
  readonly value: string;
}

export type SearchExpression =
  | { readonly kind: "term"; readonly term: SearchTerm }
  | { readonly kind: "and" | "or"; readonly parts: readonly SearchExpression[] }
  | { readonly kind: "not"; readonly part: SearchExpression };

type Token =
  | { readonly kind: "(" | ")" | "AND" | "OR" | "NOT" | "-" }
  | { readonly kind: "word"; readonly text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(/\s*(\(|\)|(?:[^\s()"]*"[^"]*")|[^\s()"]+)/g)) {
    const raw = m[1] ?? "";
    if (raw === "(" || raw === ")") tokens.push({ kind: raw });
    else if (raw === "AND" || raw === "OR" || raw === "NOT") tokens.push({ kind: raw });
    else if (raw.startsWith("-") && raw.length > 1)
      tokens.push({ kind: "-" }, { kind: "word", text: raw.slice(1) });
    else tokens.push({ kind: "word", text: raw });
  }
  return tokens;
}

const unquote = (value: string): string =>
  (value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1)
    : value
  ).toLowerCase();

function termOf(word: string): SearchTerm {
  // The first colon outside quotes separates the attribute; `scope:service:x` is scope "service:x".
  const m = /^([a-z_]+):(.*)$/i.exec(word);
  if (m && !word.startsWith('"')) return { key: (m[1] ?? "").toLowerCase(), value: unquote(m[2] ?? "") };
  return { value: unquote(word) };
}

/** Parses a search query; throws on unbalanced parentheses or a dangling operator. */
export function parseMonitorSearch(text: string): SearchExpression {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];

  const expression = (field?: string): SearchExpression => {
    const parts = [conjunction(field)];
    while (peek()?.kind === "OR") {
      at++;
      parts.push(conjunction(field));
    }
    return parts.length === 1 ? (parts[0] as SearchExpression) : { kind: "or", parts };
  };
  const conjunction = (field?: string): SearchExpression => {
    const parts = [negation(field)];
    for (;;) {
      const next = peek();
      if (next === undefined || next.kind === ")" || next.kind === "OR") break;
      if (next.kind === "AND") at++;
      parts.push(negation(field));
    }
    return parts.length === 1 ? (parts[0] as SearchExpression) : { kind: "and", parts };
  };
  const negation = (field?: string): SearchExpression => {
    const next = peek();
    if (next?.kind === "NOT" || next?.kind === "-") {
      at++;
      return { kind: "not", part: negation(field) };
    }
    return primary(field);
  };
  const primary = (field?: string): SearchExpression => {
    const next = tokens[at++];
    if (next?.kind === "(") {
      const inner = expression(field);
      if (tokens[at++]?.kind !== ")") throw new Error(`unbalanced parentheses in "${text}"`);
      return inner;
    }
    if (next?.kind !== "word") throw new Error(`unexpected end or operator in "${text}"`);
    // `status:(Alert OR Warn)`: the attribute applies to every value inside.
    if (/^[a-z_]+:$/i.test(next.text) && peek()?.kind === "(")
      return primary(next.text.slice(0, -1).toLowerCase());
    const term = termOf(next.text);
    return {
      kind: "term",
      term: field !== undefined && term.key === undefined ? { key: field, value: term.value } : term,
    };
  };

  const parsed = tokens.length === 0 ? { kind: "and" as const, parts: [] } : expression();
  if (at < tokens.length) throw new Error(`unexpected ")" in "${text}"`);
  return parsed;
}

/** Whether an expression holds, given how one term is matched. */
export function evaluateSearch(
  expression: SearchExpression,
  matches: (term: SearchTerm) => boolean,
): boolean {
  switch (expression.kind) {
    case "term":
      return matches(expression.term);
    case "and":
      return expression.parts.every((p) => evaluateSearch(p, matches));
    case "or":
      return expression.parts.some((p) => evaluateSearch(p, matches));
    case "not":
      return !evaluateSearch(expression.part, matches);
  }
}

/** Every term of an expression, wherever it stands. */
export function searchTerms(expression: SearchExpression): SearchTerm[] {
  switch (expression.kind) {
    case "term":
      return [expression.term];
    case "and":
    case "or":
      return expression.parts.flatMap(searchTerms);
    case "not":
      return searchTerms(expression.part);
  }
}
