/**
 * Text expectations of a scenario's answer: a plain string matches case-insensitively as a
 * substring; "/pattern/flags" is a regular expression (always case-insensitive).
 */

/** Whether a matcher is written as a regular expression ("/…/flags"). */
export function isRegexText(text: string): boolean {
  return /^\/.+\/[a-z]*$/s.test(text);
}

/** The regular expression a "/…/flags" matcher stands for, or undefined when it does not compile. */
export function regexOf(text: string): RegExp | undefined {
  const match = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (!match) return undefined;
  const flags = [...new Set(`${match[2] ?? ""}i`.replace(/[gy]/g, ""))].join("");
  try {
    return new RegExp(match[1] ?? "", flags);
  } catch {
    return undefined;
  }
}

/** Whether `text` contains what the matcher asks for. */
export function textMatches(matcher: string, text: string): boolean {
  const re = isRegexText(matcher) ? regexOf(matcher) : undefined;
  return re ? re.test(text) : text.toLowerCase().includes(matcher.toLowerCase());
}
