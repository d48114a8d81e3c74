import type { ScenarioFamily } from "./scenario-family.js";
import { cacheFull } from "./stories/cache-full.js";
import { counterReset } from "./stories/counter-reset.js";
import { crashLoop } from "./stories/crash-loop.js";
import { dependencySaturation } from "./stories/dependency-saturation.js";
import { diskFilling } from "./stories/disk-filling.js";
import { errorsAfterDeploy } from "./stories/errors-after-deploy.js";
import { harmlessDeploy } from "./stories/harmless-deploy.js";
import { latencyStep } from "./stories/latency-step.js";
import { memoryLeak } from "./stories/memory-leak.js";
import { oneCulprit } from "./stories/one-culprit.js";
import { oneSampleSpike } from "./stories/one-sample-spike.js";
import { poolExhaustion } from "./stories/pool-exhaustion.js";
import { queueBacklog } from "./stories/queue-backlog.js";
import { quietService } from "./stories/quiet-service.js";
import { recoveredOutage } from "./stories/recovered-outage.js";
import { shortAgentGap } from "./stories/short-agent-gap.js";
import { stoppedReporting } from "./stories/stopped-reporting.js";
import { trafficDrop } from "./stories/traffic-drop.js";
import { twoIncidents } from "./stories/two-incidents.js";
import { weeklyDip } from "./stories/weekly-dip.js";

/**
 * Every generated family, incidents first, then red herrings. To add one: write a
 * `ScenarioFamily` in stories/ and list it here; names are part of the split's seeds, so never
 * rename a family (a renamed family draws new scenarios).
 */
export const FAMILIES: readonly ScenarioFamily[] = [
  errorsAfterDeploy,
  latencyStep,
  dependencySaturation,
  poolExhaustion,
  memoryLeak,
  diskFilling,
  queueBacklog,
  cacheFull,
  trafficDrop,
  crashLoop,
  stoppedReporting,
  recoveredOutage,
  twoIncidents,
  quietService,
  harmlessDeploy,
  oneSampleSpike,
  counterReset,
  weeklyDip,
  shortAgentGap,
  oneCulprit,
];

/** The family of that name, or undefined. */
export function familyNamed(name: string): ScenarioFamily | undefined {
  return FAMILIES.find((f) => f.name === name);
}
