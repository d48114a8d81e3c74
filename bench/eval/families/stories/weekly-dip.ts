import type { DrawRandom } from "../draw-random.js";
import { drawWindow } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { ALL_CATEGORIES, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { drawService } from "../service-names.js";

/**
 * Runs are pinned to end on a Monday at 14:00 UTC (see pin-time-of-day.ts): a weekend starting
 * on day `start` (0 = Sunday) for `days` days either holds the window's end or ended before it.
 */
const WEEKENDS = [
  { start: 6, days: 2, endsInside: false },
  { start: 0, days: 2, endsInside: true },
  { start: 5.5, days: 2.5, endsInside: false },
  { start: 0.5, days: 1.5, endsInside: true },
] as const;

export const weeklyDip: ScenarioFamily = {
  name: "weekly-dip",
  story: "traffic is lower on weekends, every week; a week or two of data shows it",
  kind: "red herring",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["7d", "14d"]);
    const stack = drawHttpStack(r);
    const levels = { ...drawLevels(r), rps: r.logRange(20, 2000) };
    const weekend = r.pick(WEEKENDS);
    const factor = Number(r.range(0.3, 0.65).toFixed(2));
    const base = r.pick(["b2b-portal", "payroll", "crm", "invoicing", "office-api", "timesheets"]);
    const service = drawService(r, [base]);
    const seasonality = {
      amplitude: Number(r.range(0.2, 0.45).toFixed(2)),
      peak_hour: Number(r.range(9, 17).toFixed(1)),
      weekly: { weekend_factor: factor, weekend_start: weekend.start, weekend_days: weekend.days },
    };
    const question = askQuestion(
      r,
      {
        plain: weekend.endsInside
          ? ["Why is traffic down on {service}?", "Why are requests to {short} so low right now?"]
          : ["How does traffic on {service} look {window}?", "Any traffic anomalies on {short} {window}?"],
        terse: ["{short} traffic", "{short} requests {window}"],
        rambling: [
          "I'm writing the weekly ops report and want to know if anything unusual happened with {short} traffic {window}, service is {service}",
        ],
        vague: ["How is {service} doing?", "Anything unusual on {short}?"],
        yesno: [{ text: "Is traffic to {short} normal for this time of the week?", lead: YES }],
      },
      { service, short: service, window: w.phrase },
    );
    const asksWhyDown = weekend.endsInside && /down|low/i.test(question.text);
    return {
      description: `${service} (${stack.name}): requests fall to ${Math.round(factor * 100)} % every weekend over ${w.window}${weekend.endsInside ? "; the window ends on a weekend day" : ""}.`,
      service,
      question: question.text,
      window: w.window,
      series: [...frontDoorSeries(r, stack, w, levels, {}, seasonality), ...drawNeighbours(r, w)],
      expected: {
        forbidden_categories: [...ALL_CATEGORIES],
        ...(question.lead || asksWhyDown
          ? {
              answer: {
                ...(asksWhyDown
                  ? { must_mention: ["/weekend|weekly|saturday|sunday|day of the week/"] }
                  : {}),
                ...(question.lead ? { lead: [question.lead] } : {}),
              },
            }
          : {}),
      },
    };
  },
};
