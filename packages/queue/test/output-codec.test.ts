import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BROTLI_FROM_SCHEMA, decodeOutput, EncodedOutput } from "@orch/queue";

/** An output of about `kib` KiB of JSON that compresses poorly, so its stored size stays large. */
const outputOf = (kib: number) => ({ samples: randomBytes(kib * 512).toString("hex") });

describe("stored outputs", () => {
  // Small stored outputs are decompressed on the event loop, large ones on the thread pool: both read back whole.
  for (const kib of [2, 64]) {
    it(`reads back a ${kib} KiB output stored with brotli and one stored with gzip`, async () => {
      const output = outputOf(kib);
      for (const schema of [BROTLI_FROM_SCHEMA, BROTLI_FROM_SCHEMA - 1]) {
        const { data } = await EncodedOutput.of(output, schema);
        expect(typeof data).not.toBe("string");
        expect(JSON.parse(await decodeOutput(Buffer.from(data)))).toEqual(output);
      }
    });
  }
});
