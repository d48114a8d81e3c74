import type { DrawRandom } from "../draw-random.js";
import { drawWindow, minutesOf, offsetOf } from "../draw-window.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, YES } from "../question-book.js";
import { DISKS } from "../roles/disks.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf, type SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

const DAY = 86_400_000;
const GIB = 1024 ** 3;

export const diskFilling: ScenarioFamily = {
  name: "disk-filling",
  story: "a disk (or its inodes) fills steadily over days and will be full within days",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["2d", "3d", "7d", "14d"]);
    const disk = r.pick(DISKS);
    const base = r.pick([
      "pg-primary",
      "kafka-broker",
      "log-shipper",
      "elastic-data",
      "build-cache",
      "backup",
      "mysql-replica",
    ]);
    const service = drawService(r, [base]);
    const endShare = r.range(0.8, 0.92);
    // Full within one to five days at the rate of the window.
    const daysLeft = r.range(1, 5);
    const perDay = (1 - endShare) / daysLeft;
    const startShare = Math.max(0.2, endShare - perDay * (w.ms / DAY));
    const total = r.logRange(50, 4000) * GIB;
    const fill = (level: number, to: number) => ({
      level,
      noise: 0.002,
      incidents: [{ type: "ramp" as const, start: offsetOf(w.ms), end: "0", to }],
    });
    const series: SeriesInput[] = [];
    if (disk.share) series.push(seriesOf(disk.share, w.intervalS, fill(startShare, endShare)));
    if (disk.used) series.push(seriesOf(disk.used, w.intervalS, fill(startShare * total, endShare * total)));
    if (disk.free)
      series.push(seriesOf(disk.free, w.intervalS, fill((1 - startShare) * total, (1 - endShare) * total)));
    if (disk.total) series.push(seriesOf(disk.total, w.intervalS, { level: total, noise: 0 }));
    const metric = (disk.share ?? disk.used ?? disk.free)?.metric;
    const question = askQuestion(
      r,
      {
        plain: [
          "Will {service} run out of disk?",
          "Analyze resource usage on {service} and predict scaling needs",
          "How fast is {thing} filling up on {short}?",
        ],
        terse: ["{short} disk", "disk space {service}?", "{short} storage"],
        rambling: [
          "I noticed {thing} on {short} looked fuller than I remember, are we going to have a problem this week? please check {service} {window}",
        ],
        metric: ["Where is {metric} heading on {service}?"],
        vague: ["Capacity check for {service}", "Anything to worry about on {short}?"],
        yesno: [
          { text: "Will {short} run out of {what} this week?", lead: YES },
          { text: "Do we need more {what} on {service}?", lead: YES },
        ],
      },
      {
        service,
        short: service,
        thing: r.pick(disk.words),
        what: disk.what === "inodes" ? "inodes" : "disk",
        metric: metric ?? "",
        window: w.phrase,
      },
    );
    // Days of data show a fill; an hour of it does not. A planner choosing the window must read two days or more.
    const leaveWindow = r.chance(0.4) && question.style !== "vague";
    return {
      description: `${service} (${disk.name}): ${disk.what} use climbs from ${Math.round(startShare * 100)} % to ${Math.round(endShare * 100)} % over ${w.window}; full in about ${daysLeft.toFixed(1)} days.`,
      service,
      question: question.text,
      window: w.window,
      ...(leaveWindow ? { timeframe: null } : {}),
      series: [...series, ...drawNeighbours(r, w, 1)],
      expected: {
        // It was filling before the window too, for all anyone knows: when it began is not the point.
        findings: [{ category: "capacity", ...(metric ? { metric } : {}), state: "ongoing" }],
        forbidden_categories: ["memory_leak", "errors", "latency", "traffic", "deploy_regression"],
        ...(leaveWindow ? { window: { min: minutesOf(2 * DAY) } } : {}),
        answer: incidentAnswer(question, [
          "/full|run(s)? out|fill|exhaust/",
          "/\\bdays?\\b|\\bhours?\\b|\\d+(\\.\\d+)? ?[dh]\\b/",
        ]),
      },
    };
  },
};
