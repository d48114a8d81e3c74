import { printable } from "./terminal-text.js";
import { terminalStyle, visibleLength, type Style } from "./terminal-style.js";
import { wordWrap } from "./word-wrap.js";

/**
 * Renders the markdown of an answer for a terminal: headings, bold and italic, inline code and
 * code blocks, lists, block quotes, rules, links and tables (columns aligned). A small subset of
 * CommonMark: what answers use, nothing more. Control characters in the markdown are dropped
 * first, so the only escape sequences in the output are the renderer's own styles.
 */
export function renderMarkdown(markdown: string, options: { color: boolean; width?: number }): string {
  const style = terminalStyle(options.color);
  const width = options.width;
  const lines = printable(markdown.replace(/\r\n?/g, "\n")).split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const close = fence[1]!;
      i += 1;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(close)) {
        out.push(`    ${style.code(lines[i]!)}`);
        i += 1;
      }
      continue;
    }
    if (isTableRow(line) && i + 1 < lines.length && isSeparatorRow(lines[i + 1]!)) {
      const rows = [line];
      let j = i + 1;
      const separator = lines[j]!;
      j += 1;
      while (j < lines.length && isTableRow(lines[j]!)) rows.push(lines[j++]!);
      out.push(...renderTable(rows, separator, style));
      i = j - 1;
      continue;
    }
    out.push(renderLine(line, style, width));
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}

/**
 * One line of markdown; with a width, wrapped between words to it, continuation lines indented
 * under the text (a list item's text, a quote's bar).
 */
function renderLine(line: string, style: Style, width: number | undefined): string {
  const wrap = (text: string, first = "", rest = " ".repeat(visibleLength(first))) =>
    width === undefined ? first + text : wordWrap(text, width, first, rest);
  const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) {
    const text = inline(heading[2]!, style);
    return wrap(heading[1]!.length <= 2 ? style.bold(style.underline(text)) : style.bold(text));
  }
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return style.dim("─".repeat(Math.min(40, width ?? 40)));
  const quote = /^\s*>\s?(.*)$/.exec(line);
  if (quote) {
    const bar = `${style.dim("│")} `;
    return wrap(style.italic(inline(quote[1]!, style)), bar, bar);
  }
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return wrap(inline(bullet[2]!, style), `${bullet[1]!}  • `);
  const numbered = /^(\s*)(\d+)[.)]\s+(.*)$/.exec(line);
  if (numbered) return wrap(inline(numbered[3]!, style), `${numbered[1]!}  ${numbered[2]!}. `);
  const indent = /^\s*/.exec(line)?.[0] ?? "";
  return wrap(inline(line.slice(indent.length), style), indent);
}

/** Inline markup: code spans first (their content is literal), then links, bold, italic. */
export function inline(text: string, style: Style): string {
  const spans: string[] = [];
  let s = text.replace(/`([^`]+)`/g, (_m, code: string) => {
    spans.push(style.code(code));
    return `\u0000${spans.length - 1}\u0000`;
  });
  s = s.replace(
    /\[([^\]]+)\]\(([^)\s]+)\)/g,
    (_m, label: string, url: string) => `${label} ${style.dim(`(${url})`)}`,
  );
  s = s.replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_m, a?: string, b?: string) => style.bold(a ?? b ?? ""));
  s = s.replace(
    /(^|[^\w*])\*([^*\s][^*]*)\*(?!\w)|(^|[^\w])_([^_\s][^_]*)_(?!\w)/g,
    (_m, p1?: string, a?: string, p2?: string, b?: string) =>
      `${p1 ?? p2 ?? ""}${style.italic(a ?? b ?? "")}`,
  );
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => spans[Number(n)] ?? "");
}

const isTableRow = (line: string) => /^\s*\|.*\|\s*$/.test(line);
const isSeparatorRow = (line: string) => /^\s*\|(\s*:?-{1,}:?\s*\|)+\s*$/.test(line);

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, "|"));
}

function renderTable(rows: readonly string[], separator: string, style: Style): string[] {
  const right = cells(separator).map((c) => c.endsWith(":") && !c.startsWith(":"));
  const body = rows.map((r) => cells(r).map((c) => inline(c, style)));
  const columns = Math.max(...body.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(...body.map((r) => visibleLength(r[i] ?? ""))),
  );
  const pad = (text: string, i: number) => {
    const gap = " ".repeat(Math.max(0, widths[i]! - visibleLength(text)));
    return right[i] ? gap + text : text + gap;
  };
  const render = (r: readonly string[], header: boolean) =>
    `  ${Array.from({ length: columns }, (_, i) => (header ? style.bold(pad(r[i] ?? "", i)) : pad(r[i] ?? "", i))).join(style.dim(" │ "))}`;
  const rule = `  ${style.dim(widths.map((w) => "─".repeat(w)).join("─┼─"))}`;
  return [render(body[0] ?? [], true), rule, ...body.slice(1).map((r) => render(r, false))];
}
