/** What a scenario expects beyond its findings, one check each: a finding's state, the answer's text, the job's window. */
export type CheckKind = "state" | "answer" | "window";

/** One expectation checked: what was asked, whether it held and, when not, why. */
export interface ExpectationCheck {
  readonly kind: CheckKind;
  /** What was expected, e.g. `must mention "maxmemory"`, `window at least 24h`, `F2 recovered`. */
  readonly expected: string;
  readonly passed: boolean;
  /** Why it failed, e.g. `the answer does not contain "maxmemory"`. */
  readonly reason?: string;
}

/** A check that holds or fails with a reason. */
export function check(kind: CheckKind, expected: string, failure: string | undefined): ExpectationCheck {
  return failure === undefined
    ? { kind, expected, passed: true }
    : { kind, expected, passed: false, reason: failure };
}
