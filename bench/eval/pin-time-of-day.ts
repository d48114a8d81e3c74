import { SCENARIO_ANCHOR, type Scenario } from "@orch/core";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * The scenario as seen from `anchor`, with its daily cycles turned so that they sit where they
 * would if the window ended at the reference anchor (14:00 UTC, see SCENARIO_ANCHOR).
 *
 * Incident offsets are relative to the window's end, but `seasonality.peak_hour` is a UTC hour:
 * without this, where the night dip falls inside the window (and whether it overlaps an incident)
 * would depend on the time of day the evaluation runs. Weekly cycles are turned the same way, to
 * the reference's weekday (a Monday). Noise still differs from run to run.
 */
export function pinTimeOfDay(scenario: Scenario, anchor: number, reference = SCENARIO_ANCHOR): Scenario {
  const shiftHours = ((((anchor - reference) % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  const shiftDays = ((((anchor - reference) % WEEK_MS) + WEEK_MS) % WEEK_MS) / DAY_MS;
  if (shiftHours === 0 && shiftDays === 0) return scenario;
  return {
    ...scenario,
    series: scenario.series.map((s) => {
      if (!s.seasonality) return s;
      const { weekly } = s.seasonality;
      return {
        ...s,
        seasonality: {
          ...s.seasonality,
          peak_hour: (s.seasonality.peak_hour + shiftHours) % 24,
          ...(weekly ? { weekly: { ...weekly, weekend_start: (weekly.weekend_start + shiftDays) % 7 } } : {}),
        },
      };
    }),
  };
}
