import type { SseMessage } from "@orch/sse";
import { oneLine } from "./terminal-text.js";
import { terminalStyle, type Style } from "./terminal-style.js";

export const HIDE_CURSOR = "\x1b[?25l";
export const SHOW_CURSOR = "\x1b[?25h";

/** Where progress goes: stderr, so stdout carries only the answer (or --json). */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** A terminal's width in columns. */
  readonly columns?: number;
}

export interface ProgressDisplay {
  show(message: SseMessage): void;
  /** Stops animating and leaves the final state on screen. */
  stop(): void;
}

type PhaseName = "planning" | "execution" | "feedback";
const PHASES: readonly PhaseName[] = ["planning", "execution", "feedback"];
const LABEL: Record<PhaseName, string> = {
  planning: "Planning",
  execution: "Executing",
  feedback: "Synthesizing",
};
const PHASE_OF_STATUS: Record<string, PhaseName | undefined> = {
  planning: "planning",
  executing: "execution",
  synthesizing: "feedback",
};
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

interface PhaseState {
  state: "pending" | "running" | "done" | "stopped";
  steps: number;
  last?: string;
  started?: number;
  ms?: number;
  note?: string;
  /** The drill-down round the phase last ran in (2, 3…). */
  round?: number;
}

interface StepData {
  kind?: string;
  name?: string;
  status?: string;
  duration_ms?: number;
  summary?: string;
  phase?: PhaseName;
  round?: number;
}

/** " (round 2)" for a drill-down round's event; nothing in round 1. */
function roundNote(data: Record<string, unknown>): string {
  return Number(data.round) > 1 ? ` (round ${String(data.round)})` : "";
}

function parse(data: string): Record<string, unknown> {
  try {
    const value = JSON.parse(data) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function timeOf(at: unknown): number | undefined {
  const ms = typeof at === "string" ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** A line per phase redrawn in place, with a spinner on the running one (a TTY). */
class LiveDisplay implements ProgressDisplay {
  private readonly phases = new Map<PhaseName, PhaseState>(
    PHASES.map((p) => [p, { state: "pending", steps: 0 }]),
  );
  private frame = 0;
  private drawn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: Output,
    private readonly style: Style,
    private readonly now: () => number,
  ) {
    this.out.write(HIDE_CURSOR);
    this.timer = setInterval(() => {
      this.frame += 1;
      this.draw();
    }, 100);
    this.timer.unref();
    this.draw();
  }

  show(message: SseMessage): void {
    const data = parse(message.data);
    if (message.event === "status") {
      const phase = PHASE_OF_STATUS[String(data.status)];
      const state = phase && this.phases.get(phase);
      if (state)
        Object.assign(state, {
          state: "running",
          started: timeOf(data.at) ?? this.now(),
          note: Number(data.run) > 1 ? oneLine(`run ${String(data.run)}`) : undefined,
          ...(Number(data.round) > 1 ? { round: Number(data.round), steps: 0 } : {}),
        });
    } else if (message.event === "step") {
      const step = data as StepData;
      const state = step.phase && this.phases.get(step.phase);
      if (state) {
        state.steps += 1;
        state.last = oneLine(`${step.name ?? "step"}${step.status === "error" ? " (error)" : ""}`);
      }
    } else if (message.event === "phase") {
      const state = this.phases.get(data.phase as PhaseName);
      // Durations from the server's timestamps: a replayed stream shows how long phases really took.
      const ended = timeOf(data.at) ?? this.now();
      if (state)
        Object.assign(state, {
          state: "done",
          ms: state.started ? ended - state.started : undefined,
          steps: Number(data.steps) || state.steps,
        });
    } else if (message.event === "retry") {
      const state = this.phases.get(data.phase as PhaseName);
      if (state)
        state.note = oneLine(
          `retrying (${String(data.attempt)}/${String(data.attempts)}): ${String(data.error)}`,
        );
    } else if (message.event === "end") {
      for (const state of this.phases.values()) if (state.state === "running") state.state = "stopped";
    }
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
    this.out.write(SHOW_CURSOR);
  }

  private line(phase: PhaseName, s: PhaseState): string {
    const { style } = this;
    const label = `${LABEL[phase]}${s.round ? ` ·${s.round}` : ""}`.padEnd(13);
    const steps = `${s.steps} step${s.steps === 1 ? "" : "s"}`;
    if (s.state === "pending") return style.dim(`· ${label}`);
    if (s.state === "done")
      return `${style.green("✔")} ${label}${style.dim(`${steps}${s.ms !== undefined ? ` · ${(s.ms / 1000).toFixed(1)} s` : ""}`)}`;
    if (s.state === "stopped") return `${style.red("✖")} ${label}${style.dim(steps)}`;
    const spinner = style.yellow(SPINNER[this.frame % SPINNER.length]!);
    return `${spinner} ${label}${style.dim([s.last, s.note].filter(Boolean).join(" · ") || "…")}`;
  }

  private draw(): void {
    const lines = PHASES.map((p) => this.line(p, this.phases.get(p)!));
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    this.out.write(`${up}${lines.map((l) => `\r\x1b[2K${l}\n`).join("")}`);
    this.drawn = lines.length;
  }
}

/** One line per event, for logs and pipes. */
class PlainDisplay implements ProgressDisplay {
  constructor(private readonly out: Output) {}

  show(message: SseMessage): void {
    const data = parse(message.data);
    const line = (() => {
      switch (message.event) {
        case "status":
          return data.status === "queued"
            ? "queued"
            : `${String(data.phase ?? data.status)}${roundNote(data)} started${Number(data.run) > 1 ? ` (run ${String(data.run)})` : ""}`;
        case "step": {
          const step = data as StepData;
          const ms = step.duration_ms !== undefined ? ` ${step.duration_ms} ms` : "";
          const round = step.round && step.round > 1 ? `[round ${step.round}] ` : "";
          return `  ${round}${step.kind ?? "step"} ${step.name ?? ""} ${step.status ?? ""}${ms}${step.summary ? ` - ${step.summary}` : ""}`;
        }
        case "phase":
          return `${String(data.phase)}${roundNote(data)} done (${String(data.steps)} steps)`;
        case "retry":
          return `${String(data.phase)} retrying (${String(data.attempt)}/${String(data.attempts)}): ${String(data.error)}`;
        case "end":
          return `job ${String(data.status)}`;
        default:
          return undefined;
      }
    })();
    // Every field comes from the server: one line each, without control characters.
    if (line) this.out.write(`${oneLine(line)}\n`);
  }

  stop(): void {}
}

class SilentDisplay implements ProgressDisplay {
  show(): void {}
  stop(): void {}
}

export function createProgressDisplay(
  out: Output,
  options: { live: boolean; color: boolean; quiet: boolean; now?: () => number },
): ProgressDisplay {
  if (options.quiet) return new SilentDisplay();
  if (options.live) return new LiveDisplay(out, terminalStyle(options.color), options.now ?? Date.now);
  return new PlainDisplay(out);
}
