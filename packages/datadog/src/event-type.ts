import type { EventInfo } from "@orch/core";

/** What an event is, from its tags, title, text, alert type and the integration that sent it. */

const EVENT_TYPES: ReadonlyArray<EventInfo["type"]> = ["deploy", "config", "alert", "scale", "other"];

/** Integrations whose events are deployments. */
const DEPLOY_SOURCES = new Set([
  "deployment",
  "deployments",
  "deploy",
  "argocd",
  "argo cd",
  "argo",
  "spinnaker",
  "octopus",
  "octopus deploy",
  "harness",
  "codedeploy",
  "aws codedeploy",
  "flux",
  "fluxcd",
  "helm",
  "change tracking",
]);
/** CI/CD integrations: their events are deployments unless they are plainly about code review or builds. */
const CI_SOURCES = new Set([
  "github",
  "github actions",
  "gitlab",
  "jenkins",
  "circleci",
  "travis",
  "travis ci",
  "teamcity",
  "bamboo",
  "azure devops",
  "buildkite",
  "bitbucket",
  "drone",
]);
const KUBERNETES_SOURCES = new Set(["kubernetes", "kubernetes_apiserver", "kube", "k8s", "openshift"]);
const CONFIG_SOURCES = new Set([
  "launchdarkly",
  "split",
  "optimizely",
  "configcat",
  "feature flags",
  "flagsmith",
]);

const DEPLOY_TAGS =
  /^(deploy|deployment|deployed|release|rollout)(:|$)|^(deploy|deployment|release|rollout)_id:/;
const DEPLOY_WORDS =
  /\b(deploy(ed|ment|ing|s)?|re-?deploy(ed)?|release[ds]?|releasing|rollout|rolled out|roll(ed|ing)? ?out|roll(ed)? ?back|ship(ped|ping)?|promot(ed|ion) to|upgraded? to v?\d)\b/i;
/** "checkout v5.2.0 to prod", "5.2.0 on production". */
const VERSION_TO_ENV =
  /\bv?\d+\.\d+(\.\d+)?([-+][\w.]+)?\s+(to|on|in|into)\s+(the\s+)?(prod\w*|production|staging|stage|canary|live|qa|preprod|[\w-]+-(prod|production))\b/i;
const NOT_A_DEPLOY =
  /\b(pull request|merge request|PR #?\d+|issues?|comment(ed)?|review(ed)?|starred|fork(ed)?|build (failed|passed|succeeded|started)|tests? (failed|passed))\b/i;
const KUBERNETES_ROLLOUT =
  /\b(rollout|rolled out|image|new replica ?set|deployment\b.*\b(updated|progress\w*|complete\w*))/i;

const sourceOf = (source: string | undefined): string =>
  (source ?? "").trim().toLowerCase().replace(/\s+/g, " ");

/** What an event is made of: its tags, title, text, alert type and the integration that sent it. */
export interface EventTraits {
  readonly tags: readonly string[];
  readonly title: string;
  readonly text?: string;
  readonly alertType?: string;
  readonly source?: string;
}

/**
 * What an event is: an `event_type:` tag; then deploy markers (deploy/release tags, CD and CI
 * integrations, Kubernetes rollouts, deploy words or "v1.2.3 to prod" in the title or text);
 * then configuration and scaling words; then a `version:` tag; then its alert type.
 */
export function eventType(traits: EventTraits): EventInfo["type"] {
  const tags = traits.tags.map((t) => t.trim().toLowerCase());
  const tagged = tags.find((t) => t.startsWith("event_type:"))?.slice("event_type:".length);
  const known = EVENT_TYPES.find((t) => t === tagged);
  if (known) return known;
  const words = `${traits.title} ${traits.text ?? ""}`;
  const source = sourceOf(traits.source);
  const deployWords = DEPLOY_WORDS.test(words) || VERSION_TO_ENV.test(words);
  if (tags.some((t) => DEPLOY_TAGS.test(t))) return "deploy";
  if (DEPLOY_SOURCES.has(source)) return "deploy";
  if (CI_SOURCES.has(source) && (deployWords || !NOT_A_DEPLOY.test(words))) return "deploy";
  if (KUBERNETES_SOURCES.has(source) && KUBERNETES_ROLLOUT.test(words)) return "deploy";
  if (CONFIG_SOURCES.has(source)) return "config";
  if (deployWords) return "deploy";
  if (/\b(config(uration)?|feature flag|flag (change|flip))\b/i.test(words)) return "config";
  if (/\b(scal(e|ed|ing)|autoscal\w*|replicas?)\b/i.test(words)) return "scale";
  const alerting = traits.alertType === "error" || traits.alertType === "warning";
  if (!alerting && tags.some((t) => t.startsWith("version:"))) return "deploy";
  if (alerting) return "alert";
  return "other";
}
