import { randomFillSync } from "node:crypto";

/** Random bytes drawn from the OS in blocks: one system call per 400 ids, not one per id. */
const RANDOM_BLOCK = Buffer.alloc(4000);
let randomOffset = RANDOM_BLOCK.length;

/** Sortable, URL-safe, unguessable job ids: time prefix + 80 random bits. */
export function newJobId(now = Date.now()): string {
  if (randomOffset + 10 > RANDOM_BLOCK.length) {
    randomFillSync(RANDOM_BLOCK);
    randomOffset = 0;
  }
  const random = RANDOM_BLOCK.toString("base64url", randomOffset, randomOffset + 10);
  randomOffset += 10;
  return `${now.toString(36).padStart(9, "0")}${random}`;
}
