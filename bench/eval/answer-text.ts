/**
 * The answer as a reader reads it: the Markdown of `result.answer_markdown` without its syntax,
 * cut into blocks and sentences. One definition serves the `lead` expectation, word counts and
 * duplicate sentences (docs/scenarios.md, "Scoring the answer").
 *
 * - Markdown syntax is removed, its text kept: heading markers (`## `), emphasis (`**`, `__`,
 *   and `*`/`_` around words; underscores inside names such as `percent_usage_connections` stay),
 *   code ticks, links (`[text](url)` → text), images, HTML tags, block quotes, list markers,
 *   table pipes; fence lines and table delimiter rows are dropped.
 * - Blocks: a heading, a list item, a table row, or a paragraph (consecutive other lines).
 * - Sentences: a block ends a sentence; inside a block, a sentence ends at `.`, `!` or `?`
 *   (with any closing quote or bracket) followed by white space. A decimal point is no end.
 */

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^\s{0,3}#{1,6}(\s+|$)/;
const LIST_ITEM = /^\s*([-*+]|\d{1,3}[.)])\s+/;
const TABLE_ROW = /^\s*\|/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** Inline Markdown to plain text. */
function plainInline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/<[^>\n]+>/g, "")
    .replace(/`+/g, "")
    .replace(/\*\*|__/g, "")
    .replace(/(^|[\s(“"'])[*_]+(?=\S)/g, "$1")
    .replace(/(\S)[*_]+(?=[\s)”"'.,;:!?]|$)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** The answer's blocks (headings, list items, table rows, paragraphs) as plain text, in order. */
export function answerBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const text = plainInline(paragraph.join(" "));
    if (text) blocks.push(text);
    paragraph = [];
  };
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.replace(/^\s*>\s?/, "");
    if (line.trim() === "" || FENCE.test(line) || TABLE_DELIMITER.test(line)) {
      flush();
      continue;
    }
    if (HEADING.test(line) || LIST_ITEM.test(line) || TABLE_ROW.test(line)) {
      flush();
      const text = TABLE_ROW.test(line)
        ? plainInline(
            line
              .split("|")
              .map((cell) => cell.trim())
              .filter((cell) => cell !== "")
              .join("; "),
          )
        : plainInline(line.replace(HEADING, "").replace(LIST_ITEM, ""));
      if (text) blocks.push(text);
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

/** The answer's sentences, in order. */
export function answerSentences(markdown: string): string[] {
  return answerBlocks(markdown).flatMap((block) =>
    block
      .split(/(?<=[.!?][”"')\]]*)\s+/)
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  );
}

/**
 * What a reader must never meet in an answer (issue: answer text integrity), each with an example
 * of the text: numbers in exponent notation, NaN/Infinity/undefined, template or placeholder
 * leftovers (`?%`, `{{`, `${`), a negative zero, a percentage past 1000 % (a change that large is
 * said as a factor), and sentences repeated.
 */
export function answerDefects(markdown: string): string[] {
  const text = answerBlocks(markdown).join("\n");
  const defects: string[] = [];
  const find = (label: string, pattern: RegExp) => {
    const match = pattern.exec(text);
    if (match) defects.push(`${label}: \u201c${match[0].trim()}\u201d`);
  };
  find("exponent notation", /(?<![\w.])(?<!\w-)\d+(\.\d+)?[eE][+\-\u2212]?\d+(?![\w.])/);
  // Quoted text (a log message, a monitor's name) is the data's own words.
  const unquoted = text.replace(/"[^"\n]*"|\u201c[^\u201d\n]*\u201d/g, '""');
  const match = /\b(NaN|Infinity|undefined)\b/.exec(unquoted);
  if (match) defects.push(`not a number: \u201c${match[0]}\u201d`);
  find("placeholder", /\?\s?%|\{\{|\}\}|\$\{|\[object Object\]/);
  find("negative zero", /(?<![\w.])[-\u2212]0(\.0+)?(?![.\d])/);
  for (const match of text.matchAll(/(?<![\w.])([\d,]+(?:\.\d+)?)\s?%/g)) {
    if (Number(match[1]?.replace(/,/g, "")) > 1000) {
      defects.push(`percentage past 1000 %: \u201c${match[0]}\u201d`);
      break;
    }
  }
  const repeats = duplicateSentences(markdown);
  if (repeats > 0) defects.push(`${repeats} repeated sentence(s)`);
  return defects;
}

/** The lead: the answer's first two sentences, joined by a space. */
export function answerLead(markdown: string): string {
  return answerSentences(markdown).slice(0, 2).join(" ");
}

/** Words of the plain text (numbers and names such as `system.disk.in_use` count as one). */
export function wordCount(markdown: string): number {
  return answerBlocks(markdown).reduce(
    (n, block) => n + (block.match(/[\p{L}\p{N}][\p{L}\p{N}'’._%/-]*/gu)?.length ?? 0),
    0,
  );
}

/**
 * Sentences that repeat an earlier one of the same answer, each repeat counted once: the same
 * text (case and spacing aside, at least four words), or — for sentences of six words or more —
 * one that contains the other ("Most important: X." after "X.").
 */
export function duplicateSentences(markdown: string): number {
  const earlier: string[] = [];
  let repeats = 0;
  for (const sentence of answerSentences(markdown)) {
    const key = sentence
      .toLowerCase()
      .replace(/\s+/g, " ")
      .replace(/[.!?]+$/, "");
    const words = key.split(" ").length;
    if (words < 4) continue;
    const repeat = earlier.some(
      (e) => e === key || (words >= 6 && e.split(" ").length >= 6 && (e.includes(key) || key.includes(e))),
    );
    if (repeat) repeats += 1;
    earlier.push(key);
  }
  return repeats;
}
