/**
 * Words an on-call question turns on, spelt right: what is asked about (memory, latency,
 * connections), how it moves (growing, climbing, dropping) and when (minutes, yesterday). A
 * hurried "Why is memmory growing?" or "latnecy spike" must read like the words it misspells,
 * or the planner reads the wrong signals for the wrong window.
 */
const VOCABULARY: readonly string[] = [
  // what is asked about
  `memory leaking leaks heap garbage collection cpu processor compute disk storage volume
  filesystem inodes network bandwidth packets egress ingress latency latencies slower
  slowness response duration errors error exceptions failures failing failed crash
  crashes crashing crashed crashlooping restarts restarting outage broken degraded
  degradation sluggish timeout timeouts traffic requests request throughput connections
  connection threads queue queues backlog consumers messages saturated saturation
  capacity headroom utilization utilisation resources predict forecast scaling database
  databases queries postgres cache caching evictions deploy deployed deployment release
  version rollout monitor monitors alert alerts alerting dependency dependencies upstream
  downstream endpoint endpoints service problem problems issues healthy health
  performance bottleneck throttled throttling dropped dropping spike spikes spiking
  increase increasing increased growing growth grows climbing climbs rising creeping
  filling running full exhausted recovered happening happened wrong started stopped
  reporting`,
  // when
  `minutes minute hours hour days weeks yesterday today overnight morning afternoon
  evening since after before during between`,
  // what is asked for
  `which where timing`,
].flatMap((list) => list.split(/\s+/));

const KNOWN = new Set(VOCABULARY);

/**
 * Everyday words that are a slip away from a vocabulary word but are words of their own: "Were
 * there failures?" is no misspelt "where", and turning it into one loses the yes/no question.
 */
const EVERYDAY = new Set(
  `were here there these those their them then than they what when with have from into over
  also been being does done down each ever even last like long made make more most much next
  once only same some still such sure take upon very well went will your where which while
  whole`.split(/\s+/),
);

/** The vocabulary by length, for the candidates one edit away from a word. */
const BY_LENGTH = new Map<number, string[]>();
for (const w of KNOWN) BY_LENGTH.set(w.length, [...(BY_LENGTH.get(w.length) ?? []), w]);

/**
 * Whether `typed` is `word` with one of the slips of a fast typist: two neighbouring letters
 * swapped, one letter dropped or one added. A wrong letter in place of a right one is no slip
 * here: it turns real words into others ("stale" → "scale", "hosts" → "posts").
 */
function oneSlipFrom(typed: string, word: string): boolean {
  if (typed.length === word.length) {
    const i = [...typed].findIndex((c, k) => c !== word[k]);
    return (
      i >= 0 &&
      typed[i] === word[i + 1] &&
      typed[i + 1] === word[i] &&
      typed.slice(i + 2) === word.slice(i + 2)
    );
  }
  const [long, short] = typed.length > word.length ? [typed, word] : [word, typed];
  if (long.length !== short.length + 1) return false;
  const i = [...short].findIndex((c, k) => c !== long[k]);
  return i < 0 || long.slice(i + 1) === short.slice(i);
}

/** A plural or singular of the other: a word of its own, no slip ("deploys", "request"). */
const otherNumber = (a: string, b: string) => a === `${b}s` || b === `${a}s`;

/** The vocabulary word `typed` misspells, if exactly one is a slip away and it starts alike. */
function correction(typed: string): string | undefined {
  if (typed.length < 4 || KNOWN.has(typed) || EVERYDAY.has(typed)) return undefined;
  const candidates = [typed.length - 1, typed.length, typed.length + 1]
    .flatMap((n) => BY_LENGTH.get(n) ?? [])
    .filter((w) => w.length >= 5 && w[0] === typed[0] && !otherNumber(typed, w) && oneSlipFrom(typed, w));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * A question in lower case with its misspelt vocabulary words corrected. Service names (with
 * digits or hyphens) and words not a slip away from the vocabulary are left as they are.
 */
export function spellQuestion(question: string): string {
  return question.toLowerCase().replace(/(?<![\w.-])[a-z]+(?!\w|[.-]\w)/g, (w) => correction(w) ?? w);
}

/**
 * A question as the planner reads what it is about: spelt right, and the dots and underscores
 * of metric names it quotes read as spaces, so that "why does mongodb.mem.resident keep going
 * up" says "mem … going up".
 */
export function readQuestion(question: string): string {
  return spellQuestion(question).replace(/(?<=[a-z0-9])[._](?=[a-z])/g, " ");
}
