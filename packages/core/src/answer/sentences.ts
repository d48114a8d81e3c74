/**
 * No sentence twice: a second occurrence of the same sentence (compared without case, Markdown
 * emphasis and spacing) is removed, wherever it is. Table rows and headings are left alone.
 */
export function withoutRepeats(markdown: string): string {
  const seen = new Set<string>();
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(\||#)/.test(line) || line.trim() === "") return line;
      const kept = sentencesOf(line).filter((sentence) => {
        const key = normalise(sentence);
        if (key.length < 25) return true;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      return kept.join(" ");
    })
    .filter(
      (line, i, all) =>
        !(line.trim() === "" && all[i - 1]?.trim() === "" && i > 0) && !/^\s*(-|\d+\.)\s*$/.test(line),
    )
    .join("\n");
}

/** The sentences of a line: split after ". ", "! " or "? " when a capital, a quote or a digit follows. */
export function sentencesOf(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=[A-Z0-9"“_*(])/);
}

function normalise(sentence: string): string {
  return sentence
    .toLowerCase()
    .replace(/[*_`]/g, "")
    .replace(/^\s*(-|\d+\.)\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
}
