import { visibleLength } from "./terminal-style.js";

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[([0-9;]*)m/g;
/** Spaces at the end of a line, before any styles that follow them. */
// eslint-disable-next-line no-control-regex
const TRAILING_SPACES = / +((?:\x1b\[[0-9;]*m)*)$/;

/** The styles a closing code ends: 22 ends bold and dim, 23 italic, 24 underline, 39 colour. */
const ENDS: Readonly<Record<string, (open: string) => boolean>> = {
  "22": (open) => open === "1" || open === "2",
  "23": (open) => open === "3",
  "24": (open) => open === "4",
  "39": (open) => /^(3[0-7]|9[0-7])$/.test(open),
};

/** The SGR styles still open after `text`, given those open before it, in the order they opened. */
function openStyles(text: string, before: readonly string[]): string[] {
  let open = [...before];
  for (const [, code = ""] of text.matchAll(SGR)) {
    if (code === "" || code === "0") open = [];
    else if (ENDS[code]) open = open.filter((o) => !ENDS[code]!(o));
    else open.push(code);
  }
  return open;
}

/**
 * Breaks `text`, which may carry the renderer's ANSI styles, at spaces into lines at most `width`
 * columns wide: the first line after `first`, the others after `rest` (a hanging indent). A word
 * longer than a line stays whole, for the terminal to fold. Styles open at a break are reset at
 * the end of the line and opened again after the next one's prefix, so an indent or a quote bar
 * never takes on a bold or an underline.
 */
export function wordWrap(text: string, width: number, first = "", rest = first): string {
  const tokens = text.split(/( +)/).filter((t) => t !== "");
  const lines: string[] = [];
  let line = first;
  let used = visibleLength(first);
  let empty = true;
  let styles: string[] = [];
  for (const token of tokens) {
    const size = visibleLength(token);
    const isSpace = token.trim() === "";
    if (!empty && !isSpace && used + size > width) {
      // The spaces before the break belong to neither line.
      line = line.replace(TRAILING_SPACES, "$1");
      lines.push(styles.length > 0 ? `${line}\x1b[0m` : line);
      line = rest + styles.map((s) => `\x1b[${s}m`).join("");
      used = visibleLength(rest);
      empty = true;
    }
    if (empty && isSpace) continue;
    line += token;
    used += size;
    empty = false;
    styles = openStyles(token, styles);
  }
  lines.push(line);
  return lines.join("\n");
}
