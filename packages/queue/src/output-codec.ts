import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Outputs smaller than this are stored as plain JSON: compressing them saves little. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * gzip's fastest level: on the demo evidence (84 KiB of JSON a job) it takes about a quarter of
 * the CPU of the default level 6 (1.1 ms against 4.3 ms a job, a fifth of a worker's whole cost)
 * for 21 KiB stored instead of 18, and the evidence is kept only a day.
 */
const GZIP_LEVEL = 1;

/**
 * A phase output as stored: JSON, gzip-compressed from a kilobyte (evidence is mostly numbers and
 * repeated keys, a quarter of its size or less once compressed). Compression runs on libuv's
 * thread pool, not the event loop.
 */
export async function encodeOutput(output: unknown): Promise<Buffer | string> {
  const text = JSON.stringify(output);
  if (text.length < COMPRESS_FROM_BYTES) return text;
  return gzipAsync(text, { level: GZIP_LEVEL });
}

/** The JSON text of a stored output, compressed (gzip's magic bytes) or plain (older records, small outputs). */
export async function decodeOutput(stored: Buffer): Promise<string> {
  if (stored.length >= 2 && stored[0] === 0x1f && stored[1] === 0x8b) {
    return (await gunzipAsync(stored)).toString("utf8");
  }
  return stored.toString("utf8");
}

/**
 * A phase output already encoded for storage. Hand one to JobStore.completePhase when the save
 * must leave in the same round trip as other commands (the next phase's queueing): encoding takes
 * a trip through the thread pool, which would otherwise let those commands go first.
 */
export class EncodedOutput {
  private constructor(readonly data: Buffer | string) {}

  static async of(output: unknown): Promise<EncodedOutput> {
    return new EncodedOutput(await encodeOutput(output));
  }
}
