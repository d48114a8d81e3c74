/**
 * C0 controls but tab and newline, DEL, and C1 controls (0x80–0x9f, which some terminals read as
 * ESC + a letter). Text from the server — answers, questions, step summaries, error messages —
 * may carry escape sequences (a model echoing a log line, a hostile question); printed raw they
 * could retitle the terminal, move the cursor, hide output or write to the clipboard.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` safe to print: control characters removed, newlines and tabs kept. */
export function printable(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(CONTROL, "");
}

/** `text` safe to print on one line (progress lines are redrawn in place): also without newlines. */
export function oneLine(text: string): string {
  return printable(text).replace(/[\n\t]+/g, " ");
}
