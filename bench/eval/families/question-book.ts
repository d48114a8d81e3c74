import type { DrawRandom } from "./draw-random.js";

/** How a question is put. */
export type QuestionStyle = "plain" | "terse" | "rambling" | "misspelt" | "metric" | "vague" | "yesno";

/** A yes/no question and the word its answer must lead with (a regex matcher, e.g. "/\\bno\\b/"). */
export interface YesNoQuestion {
  readonly text: string;
  readonly lead: string;
}

/**
 * Ways to ask about one story. Templates name `{service}`, `{short}` (the service as the asker
 * writes it: today the service itself, since a shortened name reads as another service),
 * `{thing}` (what the story is about, as users say it: "redis", "the db pool"), `{metric}` and
 * `{window}` (a phrase such as "in the last 6 hours"); time placeholders (`{{time:-26h}}`) pass
 * through to the scenario.
 */
export interface QuestionBook {
  readonly plain: readonly string[];
  readonly terse: readonly string[];
  readonly rambling: readonly string[];
  /** Naming the metric. */
  readonly metric?: readonly string[];
  /** Naming nothing in particular. */
  readonly vague: readonly string[];
  readonly yesno?: readonly YesNoQuestion[];
}

export interface Question {
  readonly text: string;
  readonly style: QuestionStyle;
  /** For a yes/no question, what its lead must say. */
  readonly lead?: string;
}

export const YES = "/\\byes\\b/";
export const NO = "/\\bno\\b/";

/** Swaps two inner letters, drops one or doubles one: typos of a hurried on-call engineer. */
function typo(r: DrawRandom, word: string): string {
  const i = r.int(1, word.length - 3);
  switch (r.int(0, 2)) {
    case 0:
      return word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    default:
      return word.slice(0, i) + (word[i] ?? "") + word.slice(i);
  }
}

/** One or two words of five letters or more misspelt; placeholders are left alone. */
function misspell(r: DrawRandom, template: string): string {
  const words = template.split(" ");
  const candidates = words.map((w, i) => ({ w, i })).filter(({ w }) => /^[a-z]{5,}[?,.]?$/i.test(w));
  const times = Math.min(candidates.length, r.int(1, 2));
  for (let n = 0; n < times; n++) {
    const { w, i } = r.pick(candidates);
    const tail = /[?,.]$/.test(w) ? w.slice(-1) : "";
    words[i] = typo(r, tail ? w.slice(0, -1) : w) + tail;
  }
  return words.join(" ");
}

function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** A question in one of the book's styles, drawn by how often people ask that way. */
export function askQuestion(
  r: DrawRandom,
  book: QuestionBook,
  vars: Readonly<Record<string, string>>,
): Question {
  const styles: Array<readonly [QuestionStyle, number]> = [
    ["plain", 3],
    ["terse", 2],
    ["rambling", 1.5],
    ["misspelt", 1.5],
    ["vague", 1],
  ];
  if (book.metric?.length) styles.push(["metric", 1]);
  if (book.yesno?.length) styles.push(["yesno", 2]);
  const style = r.weighted(styles);
  switch (style) {
    case "yesno": {
      const q = r.pick(book.yesno ?? []);
      return { text: fill(q.text, vars), style, lead: q.lead };
    }
    case "misspelt":
      return { text: fill(misspell(r, r.pick(book.plain)), vars), style };
    default:
      return { text: fill(r.pick(book[style] ?? book.plain), vars), style };
  }
}
