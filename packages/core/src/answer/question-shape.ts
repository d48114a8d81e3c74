import type { SignalKind } from "../metric-catalog.js";
import { mentionedKinds } from "../planner/classify-question.js";
import { questionTerms, withoutService } from "../planner/question-terms.js";
import { spellQuestion } from "../planner/question-spelling.js";

/** What kind of answer a question wants first. */
export type QuestionForm =
  /** "Is CPU ok?", "is there a memory leak?": yes or no first. */
  | "yes_no"
  /** "Why are 5xx errors up?": the cause first. */
  | "why"
  /** "Which endpoint is slow?": the culprit first. */
  | "which"
  /** "Investigate…", "how is…", "what happened…": the state of the service first. */
  | "report";

export interface QuestionShape {
  readonly form: QuestionForm;
  /**
   * For yes/no questions: whether "yes" means trouble ("is there a leak?", "are errors up?")
   * or health ("is CPU ok?", "is the service healthy?").
   */
  readonly yesMeans?: "trouble" | "healthy";
  /** The signals and concepts the question is about, for the direct answer's subject. */
  readonly kinds: readonly SignalKind[];
  readonly concepts: readonly string[];
  /** What "which" asks for: endpoint, host, pod, version, zone, dependency. */
  readonly breakdown?: string;
}

const YES_NO = /^\s*(is|are|was|were|does|do|did|has|have|had|can|could|should|will|would|any|anything)\b/i;
/**
 * A yes/no question inside a longer message: a clause that opens with an auxiliary and ends with
 * a question mark ("api-py is timing out, is gunicorn the cause?", "Were there DNS failures this
 * afternoon? it seems fine now").
 */
const CLAUSE_YES_NO =
  /(^|[,;:.!?]\s*|\s[-–—]\s*)(is|are|was|were|does|do|did|has|have|had|can|could|should|will|would|any|anything)\b[^,;:.!?]*\?/i;
/**
 * An elliptical yes/no question: a statement, then a short clause of a few words that ends the
 * message with a question mark ("memory keeps climbing, leak?", "site is crawling, php-fpm?",
 * "the alert fired once, real problem?"). A question word opening it makes it no yes/no question.
 */
const ELLIPTICAL_YES_NO = /[,;:]\s*([^,;:.!?]+)\?\s*$/;
const QUESTION_WORD = /^(what|why|how|where|when|who|whom|whose|which)\b/i;

/** The part of a message that asks yes or no, or undefined when none does. */
function yesNoClause(text: string): string | undefined {
  if (YES_NO.test(text) && /\?\s*$|^\s*(is|are|does|do|did|has|have|any)\b/i.test(text)) return text;
  const clause = CLAUSE_YES_NO.exec(text);
  if (clause) return clause[0];
  const tail = ELLIPTICAL_YES_NO.exec(text)?.[1]?.trim();
  if (tail && tail.split(/\s+/).length <= 3 && !QUESTION_WORD.test(tail)) return tail;
  return undefined;
}

/** Adjectives of health: "is CPU ok?" asks whether nothing is wrong. */
const HEALTH_ADJECTIVES = /\b(ok|okay|fine|healthy|normal|good|stable|alright|all right|working|enough)\b/i;
/** Activity that is healthy when it happens: "is X still getting messages?", "is it reporting?". */
const HEALTH_WORDS =
  /\b(up|running|alive|available|reachable|reporting|sending|receiving|getting|processing|serving|consuming|flowing|responding|handling)\b/i;
/** Words of trouble: "is there a leak?", "are errors up?" ask whether something is wrong. */
const TROUBLE_WORDS =
  /\b(errors?|5xx|exceptions?|fail\w*|latency|slow\w*|leak\w*|problems?|issues?|spikes?|full|down|broken|evict\w*|backlog|lag\w*|saturat\w*|throttl\w*|timeouts?|crash\w*|restart\w*|outage|incident|wrong|anomal\w*|degrad\w*|drop\w*|stuck|fill\w*|run(ning)? out|grow\w*)\b/i;
const BREAKDOWNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(endpoints?|routes?|resources?|urls?|paths?|apis?)\b/i, "endpoint"],
  [/\b(hosts?|servers?|machines?|nodes?|instances?)\b/i, "host"],
  [/\b(pods?|containers?|deployments?)\b/i, "pod"],
  [/\b(versions?|releases?|builds?)\b/i, "version"],
  [/\b(zones?|regions?|az|availability zones?)\b/i, "zone"],
  [/\b(dependenc(y|ies)|downstreams?|upstreams?|backends?|databases?)\b/i, "dependency"],
];

/** Reads what kind of answer a question wants first, and about what. */
export function questionShape(question: string, service?: string): QuestionShape {
  const text = spellQuestion(withoutService(question, service)).trim();
  const kinds = mentionedKinds(text);
  const { concepts } = questionTerms(text);
  const base = { kinds, concepts };
  const which =
    /\b(which|what)\s+(\w+\s+)?(endpoints?|routes?|hosts?|servers?|nodes?|instances?|pods?|containers?|versions?|releases?|zones?|regions?|dependenc(y|ies)|backends?|databases?|customers?|tenants?)\b/i.exec(
      text,
    );
  if (which) {
    const breakdown = BREAKDOWNS.find(([re]) => re.test(which[0]))?.[1];
    return { form: "which", ...base, ...(breakdown ? { breakdown } : {}) };
  }
  if (/\bwhy\b|\broot cause|\bwhat (caused|causes|is causing|happened)\b|\bcause of\b/i.test(text))
    return { form: "why", ...base };
  // What "yes" means is read from the clause that asks: "Were there DNS failures? it seems fine now"
  // asks about failures, whatever the remark after it says.
  const asked = yesNoClause(text);
  if (asked !== undefined) {
    const yesMeans = HEALTH_ADJECTIVES.test(asked)
      ? "healthy"
      : TROUBLE_WORDS.test(asked)
        ? "trouble"
        : HEALTH_WORDS.test(asked)
          ? "healthy"
          : "trouble";
    return { form: "yes_no", yesMeans, ...base };
  }
  return { form: "report", ...base };
}
