import { promisify } from "node:util";
import {
  brotliCompress,
  brotliDecompress,
  brotliDecompressSync,
  constants,
  gunzip,
  gunzipSync,
  gzip,
} from "node:zlib";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);

/**
 * Stored outputs up to this size are decompressed on the event loop: tens of microseconds, where
 * a trip through libuv's thread pool costs a wake-up of a pool thread and then of the event loop
 * (most of a millisecond on a busy machine). An answer (the feedback output) is this small, and
 * a waiting POST /orchestrate reads it between the job's end and its response.
 */
const DECODE_INLINE_BYTES = 4096;

/** Outputs smaller than this are stored as plain JSON: compressing them saves little. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * Brotli has no magic bytes of its own: a stored brotli output starts with these two, which no
 * JSON text (plain outputs) and no gzip stream (0x1f 0x8b) starts with.
 */
const BROTLI_HEADER = Buffer.from([0x00, 0x62]);

/**
 * Brotli at quality 3 compresses evidence (mostly numbers and repeated keys) smaller than gzip's
 * default level and 3-6 times faster (0.3 ms instead of 1.6 ms for 50 KB; 1.4 instead of 8 ms
 * for 180 KB, measured on the bench's evidence): the compression sits between a phase's work and
 * its save, on every job's path.
 */
const BROTLI_QUALITY = 3;

/** The first record schema whose outputs may be brotli: older processes read gzip and plain only. */
export const BROTLI_FROM_SCHEMA = 2;

/**
 * A phase output's JSON text as stored: as it is, or compressed from a kilobyte (to a fifth of its
 * size or less) with brotli, or with gzip for a record an older version created (`schema` below
 * BROTLI_FROM_SCHEMA), which an older process may still read during a rolling deploy. Compression runs on libuv's
 * thread pool, not the event loop.
 */
async function encodeText(text: string, schema = BROTLI_FROM_SCHEMA): Promise<Buffer | string> {
  if (text.length < COMPRESS_FROM_BYTES) return text;
  if (schema < BROTLI_FROM_SCHEMA) return gzipAsync(text, { level: 6 });
  const compressed = await brotliAsync(text, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text),
    },
  });
  return Buffer.concat([BROTLI_HEADER, compressed]);
}

/** The JSON text of a stored output: brotli, gzip (gzip's magic bytes) or plain (small outputs, older records). */
export async function decodeOutput(stored: Buffer): Promise<string> {
  const inline = stored.length <= DECODE_INLINE_BYTES;
  if (stored.length >= 2 && stored[0] === BROTLI_HEADER[0] && stored[1] === BROTLI_HEADER[1]) {
    const body = stored.subarray(BROTLI_HEADER.length);
    return (inline ? brotliDecompressSync(body) : await unbrotliAsync(body)).toString("utf8");
  }
  if (stored.length >= 2 && stored[0] === 0x1f && stored[1] === 0x8b) {
    return (inline ? gunzipSync(stored) : await gunzipAsync(stored)).toString("utf8");
  }
  return stored.toString("utf8");
}

/**
 * A phase output already encoded for storage. Hand one to JobStore.completePhase when the save
 * must leave in the same round trip as other commands (the next phase's queueing): encoding takes
 * a trip through the thread pool, which would otherwise let those commands go first.
 */
export class EncodedOutput {
  private constructor(
    readonly data: Buffer | string,
    /** The output's JSON text. */
    private readonly text: string,
  ) {}

  /** `schema`: the record's schema version (see encodeText); the current one by default. */
  static async of(output: unknown, schema?: number): Promise<EncodedOutput> {
    const text = JSON.stringify(output);
    return new EncodedOutput(await encodeText(text, schema), text);
  }

  /**
   * The output as a read of the saved copy parses it (values JSON cannot hold, such as undefined
   * or NaN, turned as they are stored), for a phase that runs next in this process.
   */
  parsed(): unknown {
    return JSON.parse(this.text) as unknown;
  }
}
