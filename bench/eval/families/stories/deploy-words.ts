import type { DrawRandom } from "../draw-random.js";

/** A release version as teams write them. */
export function drawVersion(r: DrawRandom): string {
  return r.chance(0.8)
    ? `v${r.int(1, 9)}.${r.int(0, 40)}.${r.int(0, 20)}`
    : `${r.int(2023, 2025)}.${r.int(1, 12)}.${r.int(1, 28)}`;
}

/** A deploy event's title, the way CI/CD tools and people write them. */
export function deployTitle(r: DrawRandom, service: string, version: string): string {
  return r.pick([
    `Deployed ${service} ${version}`,
    `${service} ${version} to production`,
    `Release ${version} of ${service}`,
    `Deploy ${service}@${version} finished`,
  ]);
}

/** Error messages a broken release logs. */
export const RELEASE_ERRORS = [
  "NullPointerException in OrderController.submit",
  "TypeError: Cannot read properties of undefined (reading 'id')",
  "KeyError: 'customer_id'",
  "panic: runtime error: invalid memory address or nil pointer dereference",
  "ActiveRecord::StatementInvalid: PG::UndefinedColumn",
  "System.InvalidOperationException: Sequence contains no elements",
  "upstream connect error or disconnect/reset before headers",
] as const;
