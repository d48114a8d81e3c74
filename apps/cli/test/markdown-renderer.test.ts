import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../src/markdown-renderer.js";

const plain = (md: string) => renderMarkdown(md, { color: false });

describe("renderMarkdown", () => {
  it("aligns table columns, right-aligning the ones marked ---:", () => {
    const md = [
      "| series | current | change |",
      "|---|---:|---:|",
      "| `cpu` | 36.5% | +6% |",
      "| trace.http.request.errors | 105 | +4407% |",
    ].join("\n");
    expect(plain(md).split("\n")).toEqual([
      "  series                    │ current │ change",
      "  ──────────────────────────┼─────────┼───────",
      "  cpu                       │   36.5% │    +6%",
      "  trace.http.request.errors │     105 │ +4407%",
    ]);
  });

  it("renders headings, lists, quotes, rules and links without the markup", () => {
    const md =
      "## Findings\n\n- **F1** high *errors*\n1. Roll back `v2.14`\n> offline answer\n---\nSee [the runbook](https://runbooks.example/x).";
    expect(plain(md).split("\n")).toEqual([
      "Findings",
      "",
      "  • F1 high errors",
      "  1. Roll back v2.14",
      "│ offline answer",
      "─".repeat(40),
      "See the runbook (https://runbooks.example/x).",
    ]);
  });

  it("keeps code blocks literal and snake_case words intact", () => {
    expect(plain("```\n**not bold**\n```\nuse system_cpu_user")).toBe(
      "    **not bold**\nuse system_cpu_user",
    );
  });

  it("styles with ANSI codes when colour is on", () => {
    const out = renderMarkdown("# Title\n**bold** and `code`", { color: true });
    expect(out).toContain("\x1b[1m");
    expect(out).toContain("\x1b[36mcode\x1b[39m");
    expect(out).not.toContain("**");
  });

  it("drops control characters and escape sequences in the answer, keeping only its own styles", () => {
    const hostile =
      "## Title\u001b]0;PWNED\u0007\n- item \u001b[2J**bold**\u009b31m\n\tindented\r\nend\u0000";
    expect(plain(hostile).split("\n")).toEqual(["Title]0;PWNED", "  • item [2Jbold31m", "\tindented", "end"]);
    const colored = renderMarkdown(hostile, { color: true });
    // eslint-disable-next-line no-control-regex
    const escapes = colored.match(/\x1b\[[0-9;]*m/g) ?? [];
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(escapes.length).toBeGreaterThan(0);
  });

  it("wraps paragraphs, list items and quotes at the width, between words, with hanging indents", () => {
    const md = [
      "The error rate rose forty times right after the deploy of v2.14.0 and stayed high since.",
      "- **F1** errors rose ×40 after the deploy of api-gateway v2.14.0",
      "> offline answer written from the findings of the analysis",
    ].join("\n");
    expect(renderMarkdown(md, { color: false, width: 30 }).split("\n")).toEqual([
      "The error rate rose forty",
      "times right after the deploy",
      "of v2.14.0 and stayed high",
      "since.",
      "  • F1 errors rose ×40 after",
      "    the deploy of api-gateway",
      "    v2.14.0",
      "│ offline answer written from",
      "│ the findings of the analysis",
    ]);
  });

  it("keeps a word longer than the line whole, and code blocks and tables as they are", () => {
    const url = "https://runbooks.example/a/very/long/path/to/the/runbook";
    const md = `see ${url} now\n\`\`\`\n${"x ".repeat(20)}\n\`\`\`\n| a | b |\n|---|---|\n| ${"y".repeat(25)} | z |`;
    expect(renderMarkdown(md, { color: false, width: 20 }).split("\n")).toEqual([
      "see",
      url,
      "now",
      `    ${"x ".repeat(20)}`,
      `  ${"a".padEnd(25)} │ b`,
      `  ${"─".repeat(25)}─┼──`,
      `  ${"y".repeat(25)} │ z`,
    ]);
  });

  it("closes the styles open at a break and opens them again on the next line", () => {
    const lines = renderMarkdown("**bold words that wrap across lines**", { color: true, width: 12 }).split(
      "\n",
    );
    // eslint-disable-next-line no-control-regex
    expect(lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""))).toEqual([
      "bold words",
      "that wrap",
      "across lines",
    ]);
    expect(lines[0]).toBe("\x1b[1mbold words\x1b[0m");
    expect(lines[1]).toBe("\x1b[1mthat wrap\x1b[0m");
    expect(lines[2]).toBe("\x1b[1macross lines\x1b[22m");
  });
});
