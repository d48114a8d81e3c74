import type { JobView } from "@orch/queue";

/** Slack's limits for a message's blocks (Block Kit reference). */
export const SLACK_LIMITS = { blocks: 50, text: 3000, header: 150, contextElements: 10 } as const;

/** A Block Kit block of the kinds these messages use. */
export type SlackBlock =
  | {
      readonly type: "header";
      readonly text: { readonly type: "plain_text"; readonly text: string; readonly emoji: true };
    }
  | { readonly type: "section"; readonly text: { readonly type: "mrkdwn"; readonly text: string } }
  | {
      readonly type: "context";
      readonly elements: ReadonlyArray<{ readonly type: "mrkdwn"; readonly text: string }>;
    }
  | { readonly type: "divider" };

export interface SlackMessage {
  /** The notification text (and what clients without blocks show). */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Fields an answer may carry beyond today's (its short form, issue #19); read when present. */
interface AnswerExtras {
  readonly direct_answer?: unknown;
  readonly summary?: unknown;
}

const MAX_FINDINGS = 5;

/** Cuts text to `max` characters on a word boundary, with an ellipsis. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** Slack mrkdwn treats &, < and > as markup: escape them in text that is not ours. */
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The answer's short form: its direct answer or summary when it has one, else its first heading or line. */
export function headlineOf(view: JobView): string {
  const result: (NonNullable<JobView["result"]> & AnswerExtras) | null = view.result;
  for (const short of [result?.direct_answer, result?.summary]) {
    if (typeof short === "string" && short.trim() !== "") return short.trim();
  }
  const lines = (result?.answer_markdown ?? "").split("\n").map((l) => l.trim());
  const heading = lines.find((l) => /^#{1,3}\s/.test(l));
  const first = heading ?? lines.find((l) => l !== "" && !/^[-*|>]/.test(l)) ?? "";
  return first.replace(/^#+\s*/, "").replace(/\*\*/g, "*");
}

function findingLines(view: JobView): string[] {
  const findings = view.result?.findings ?? [];
  return findings.slice(0, MAX_FINDINGS).map((finding) => {
    const tag = `${finding.severity}, ${finding.state}`;
    return `• *${tag}* ${escape(finding.summary)}`;
  });
}

const ICON: Readonly<Record<string, string>> = { completed: "🔎", failed: "❌", cancelled: "⏹️" };

/**
 * The Block Kit message of an ended job: a header (service and what started it), the short answer,
 * the top findings with their state, then confidence and the link to the job. Every text is cut to
 * Slack's limits, so a long answer never makes Slack refuse the message.
 */
export function slackMessage(view: JobView, linkBase?: string): SlackMessage {
  const monitor = view.alert
    ? `monitor ${view.alert.monitor_id} ${view.alert.transition.toLowerCase()}`
    : undefined;
  const title =
    view.status === "completed"
      ? `${ICON.completed} ${view.service_id}: ${monitor ?? "investigation"}`
      : `${ICON[view.status] ?? ""} ${view.service_id}: investigation ${view.status}`;
  const headline =
    view.status === "completed"
      ? headlineOf(view)
      : `${view.error?.message ?? "The job ended without an answer."}`;
  const blocks: SlackBlock[] = [
    {
      type: "header",
      text: { type: "plain_text", text: clip(title.trim(), SLACK_LIMITS.header), emoji: true },
    },
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(escape(headline) || "No answer text.", SLACK_LIMITS.text) },
    },
  ];
  const findings = findingLines(view);
  if (findings.length > 0) {
    const total = view.result?.findings.length ?? 0;
    const more = total > findings.length ? `\n_…and ${total - findings.length} more in the job._` : "";
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: clip(`*Top findings*\n${findings.join("\n")}`, SLACK_LIMITS.text - more.length) + more,
      },
    });
  }
  const link = linkBase
    ? `<${linkBase.replace(/\/+$/, "")}${view.links.self}|job ${view.job_id}>`
    : `job ${view.job_id}`;
  const facts = [
    ...(view.result ? [`Confidence ${view.result.confidence.toFixed(2)}`] : []),
    ...(view.alert?.link ? [`<${view.alert.link}|Datadog event>`] : []),
    ...(view.alert?.recovered_at ? [`recovered ${view.alert.recovered_at}`] : []),
    link,
  ];
  blocks.push({
    type: "context",
    elements: facts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => ({ type: "mrkdwn", text: clip(text, SLACK_LIMITS.text) })),
  });
  return {
    text: clip(`${title.trim()}: ${headline}`, SLACK_LIMITS.text),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}
