import { describe, expect, it, vi } from "vitest";
import { HIDE_CURSOR, SHOW_CURSOR, createProgressDisplay, type Output } from "../src/progress-display.js";
import type { SseMessage } from "@orch/sse";

/**
 * A stand-in terminal: records what is written and replays the few controls the display uses
 * (cursor up, carriage return, clear line, newline, cursor visibility) into the screen a user sees.
 */
class FakeTty implements Output {
  readonly isTTY = true;
  readonly writes: string[] = [];

  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }

  get raw(): string {
    return this.writes.join("");
  }

  /** The screen's lines and whether the cursor is visible, after everything written so far. */
  screen(): { lines: string[]; cursorVisible: boolean } {
    const lines: string[] = [""];
    let row = 0;
    let cursorVisible = true;
    // eslint-disable-next-line no-control-regex
    const tokens = this.raw.match(/\x1b\[\?25[lh]|\x1b\[\d*[A-Za-z]|\r|\n|[^\x1b\r\n]+/g) ?? [];
    for (const token of tokens) {
      if (token === HIDE_CURSOR) cursorVisible = false;
      else if (token === SHOW_CURSOR) cursorVisible = true;
      else if (token === "\r") continue;
      else if (token === "\n") {
        row += 1;
        lines[row] ??= "";
      } else if (token.startsWith("\x1b[") && token.endsWith("A")) {
        row = Math.max(0, row - Number(token.slice(2, -1) || 1));
      } else if (token === "\x1b[2K") lines[row] = "";
      else if (!token.startsWith("\x1b")) lines[row] = (lines[row] ?? "") + token;
      else throw new Error(`the display wrote a control the test does not know: ${JSON.stringify(token)}`);
    }
    // Trailing blanks are invisible; the cursor rests on the empty line below the last one drawn.
    const shown = lines.map((l) => l.trimEnd());
    return { lines: shown.filter((l, i) => l !== "" || i < shown.length - 1), cursorVisible };
  }
}

const event = (name: string, data: Record<string, unknown>, id?: string): SseMessage => ({
  event: name,
  data: JSON.stringify(data),
  ...(id ? { id } : {}),
});

const T0 = Date.parse("2025-01-15T12:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe("the live progress display on a terminal", () => {
  const live = (tty: FakeTty) =>
    createProgressDisplay(tty, { live: true, color: false, quiet: false, now: () => T0 + 5000 });

  it("hides the cursor and draws one line per phase, all pending at first", () => {
    const tty = new FakeTty();
    const display = live(tty);
    expect(tty.writes[0]).toBe(HIDE_CURSOR);
    expect(tty.screen()).toEqual({
      lines: ["· Planning", "· Executing", "· Synthesizing"],
      cursorVisible: false,
    });
    display.stop();
  });

  it("redraws the same three lines in place as the job moves, with the current step and durations", () => {
    const tty = new FakeTty();
    const display = live(tty);
    display.show(event("status", { status: "planning", phase: "planning", run: 1, at: at(0) }));
    display.show(event("step", { phase: "planning", kind: "tool", name: "discover_metrics", status: "ok" }));
    let screen = tty.screen();
    expect(screen.lines).toHaveLength(3);
    expect(screen.lines[0]).toMatch(/^. Planning {5}discover_metrics$/);

    display.show(event("phase", { phase: "planning", steps: 2, status: "executing", at: at(1200) }));
    display.show(event("status", { status: "executing", phase: "execution", run: 1, at: at(1200) }));
    display.show(event("step", { phase: "execution", kind: "tool", name: "query_metrics", status: "error" }));
    display.show(event("retry", { phase: "execution", attempt: 1, attempts: 3, error: "Redis went away" }));
    screen = tty.screen();
    expect(screen.lines).toEqual([
      "✔ Planning     2 steps · 1.2 s",
      expect.stringMatching(
        /^. Executing {4}query_metrics \(error\) · retrying \(1\/3\): Redis went away$/,
      ) as string,
      "· Synthesizing",
    ]);
    // Each redraw goes back up over the three lines it drew, never scrolling the terminal.
    expect(tty.raw).toContain("\x1b[3A");

    display.show(event("end", { status: "cancelled" }));
    display.stop();
    screen = tty.screen();
    expect(screen.lines).toEqual([
      "✔ Planning     2 steps · 1.2 s",
      "✖ Executing    1 step",
      "· Synthesizing",
    ]);
    expect(screen.cursorVisible).toBe(true);
    expect(tty.writes.at(-1)).toBe(SHOW_CURSOR);
  });

  it("says when a phase runs again after a crash", () => {
    const tty = new FakeTty();
    const display = live(tty);
    display.show(event("status", { status: "planning", phase: "planning", run: 2, at: at(0) }));
    expect(tty.screen().lines[0]).toMatch(/Planning {5}run 2$/);
    display.stop();
  });

  it("prints what the server sends without its control characters, each on its one line", () => {
    const tty = new FakeTty();
    const display = live(tty);
    display.show(event("status", { status: "planning", phase: "planning", run: 1, at: at(0) }));
    display.show(
      event("step", {
        phase: "planning",
        name: "evil\u001b]0;PWNED\u0007\nsecond line\u009b2J",
        status: "ok",
      }),
    );
    display.stop();
    const { lines } = tty.screen();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/Planning {5}evil\]0;PWNED second line2J$/);
    for (const control of ["\u0007", "\u009b", "\u001b]"]) expect(tty.raw).not.toContain(control);
  });

  it("animates a spinner on the running phase until stopped", () => {
    // The spinner's clock is the display's timer: fake timers step it without waiting.
    vi.useFakeTimers();
    try {
      const tty = new FakeTty();
      const display = live(tty);
      display.show(event("status", { status: "planning", phase: "planning", run: 1, at: at(0) }));
      const first = tty.screen().lines[0]!.slice(0, 1);
      vi.advanceTimersByTime(250);
      const later = tty.screen().lines[0]!.slice(0, 1);
      expect(later).not.toBe(first);
      display.stop();
      const writes = tty.writes.length;
      vi.advanceTimersByTime(1_000);
      expect(tty.writes.length).toBe(writes);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the plain progress display (logs, pipes)", () => {
  it("writes one line per event, without control characters from the server", () => {
    const out = { text: "", write: (t: string) => (out.text += t) };
    const display = createProgressDisplay(out, { live: false, color: false, quiet: false });
    display.show(event("status", { status: "queued" }));
    display.show(event("status", { status: "planning", phase: "planning", run: 1 }));
    display.show(
      event("step", {
        kind: "tool",
        name: "discover_metrics",
        status: "ok",
        duration_ms: 12,
        summary: "6 metric(s)\u001b[2J\u001b]52;c;cHduZWQ=\u0007\r\nreally",
      }),
    );
    display.show(event("end", { status: "completed" }));
    display.stop();
    expect(out.text.split("\n")).toEqual([
      "queued",
      "planning started",
      "  tool discover_metrics ok 12 ms - 6 metric(s)[2J]52;c;cHduZWQ= really",
      "job completed",
      "",
    ]);
  });

  it("says which drill-down round a phase and its steps belong to", () => {
    const out = { text: "", write: (t: string) => (out.text += t) };
    const display = createProgressDisplay(out, { live: false, color: false, quiet: false });
    display.show(event("phase", { phase: "feedback", status: "executing", steps: 3 }));
    display.show(event("status", { status: "executing", phase: "execution", round: 2, run: 1 }));
    display.show(
      event("step", {
        kind: "tool",
        name: "metrics:trace.http.request.errors",
        status: "ok",
        duration_ms: 40,
        round: 2,
        phase: "execution",
        summary: "3 series",
      }),
    );
    display.show(event("phase", { phase: "execution", round: 2, status: "synthesizing", steps: 1 }));
    display.stop();
    expect(out.text.split("\n")).toEqual([
      "feedback done (3 steps)",
      "execution (round 2) started",
      "  [round 2] tool metrics:trace.http.request.errors ok 40 ms - 3 series",
      "execution (round 2) done (1 steps)",
      "",
    ]);
  });
});
