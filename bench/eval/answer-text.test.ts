import { describe, expect, it } from "vitest";
import { answerDefects, answerLead, answerSentences, duplicateSentences, wordCount } from "./answer-text.js";

const ANSWER = [
  "## sessions-cache: 1 issue found (1 critical, 0 warning)",
  "",
  "**No.** Redis on `sessions-cache` is at its maxmemory limit (2.0 GiB) since 09:12 UTC; keys",
  "are being evicted at 1.5 a second.",
  "",
  "_This answer was produced by the offline analyst._",
  "",
  "### Findings",
  "",
  "1. F1 critical saturation on `redis.mem.used`: at 100% of [maxmemory](https://redis.io/docs).",
  "",
  "| metric | now |",
  "|---|---|",
  "| redis.mem.used | 2.0 GiB |",
].join("\n");

describe("the answer as a reader reads it", () => {
  it("cuts the text into sentences at headings, paragraphs, list items and sentence ends, without Markdown", () => {
    expect(answerSentences(ANSWER)).toEqual([
      "sessions-cache: 1 issue found (1 critical, 0 warning)",
      "No.",
      "Redis on sessions-cache is at its maxmemory limit (2.0 GiB) since 09:12 UTC; keys are being evicted at 1.5 a second.",
      "This answer was produced by the offline analyst.",
      "Findings",
      "F1 critical saturation on redis.mem.used: at 100% of maxmemory.",
      "metric; now",
      "redis.mem.used; 2.0 GiB",
    ]);
  });

  it("leads with the first two sentences, the heading's text included", () => {
    expect(answerLead(ANSWER)).toBe("sessions-cache: 1 issue found (1 critical, 0 warning) No.");
    expect(answerLead("Yes. The disk fills in 3 days. Add space.")).toBe("Yes. The disk fills in 3 days.");
  });

  it("keeps underscores inside names and decimal points inside numbers", () => {
    expect(answerSentences("Pool at 0.93 of postgresql.percent_usage_connections. _Done_.")).toEqual([
      "Pool at 0.93 of postgresql.percent_usage_connections.",
      "Done.",
    ]);
  });

  it("counts words, a metric name or a number being one", () => {
    expect(wordCount("## Title here\n\nCPU at 93.5% on `system.cpu.user`.")).toBe(7);
  });

  it("counts each repeat of a sentence of four words or more, and of a long one inside another", () => {
    const text =
      "CPU is saturated since noon. Memory is fine. CPU is saturated since noon.\n\n- Memory is fine.\n- CPU is saturated since noon.";
    expect(duplicateSentences(text)).toBe(2);
    const headline = "The heap grew from 1 GiB to 3 GiB since noon.";
    expect(duplicateSentences(`${headline}\n\nMost important: ${headline}`)).toBe(1);
    expect(duplicateSentences("Disk is fine now.\n\nMost important: disk is fine now and later.")).toBe(0);
  });
});

describe("answer defects", () => {
  it("finds exponents, NaN, placeholders, negative zero, huge percentages and repeats", () => {
    const bad = [
      "Errors went from -5.55e-17 to 4340 (+7.8e+21 %).",
      "Pool at ?% used; p99 NaN ms; {{time:-1h}}.",
      "Free memory moved to -0 MB.",
      "Traffic rose 25000% in an hour.",
      "CPU is saturated since noon. CPU is saturated since noon.",
    ].join("\n\n");
    const defects = answerDefects(bad);
    expect(defects.map((d) => d.split(":")[0])).toEqual([
      "exponent notation",
      "not a number",
      "placeholder",
      "negative zero",
      "percentage past 1000 %",
      "1 repeated sentence(s)",
    ]);
  });

  it("passes ordinary numbers, names and versions", () => {
    const good =
      "p99 rose from 0.35 s to 1.1 s (×3.1) at 14:05 UTC; 4,340 error logs; disk at 93.5%; web-1e5 and v2e3 are names; a −40% drop; 1000% is the ceiling.";
    expect(answerDefects(good)).toEqual([]);
  });
});

describe("answer defects in quoted text", () => {
  it("leaves the data's own words alone", () => {
    expect(answerDefects('Top error "TypeError: Cannot read properties of undefined" (556×).')).toEqual([]);
    expect(answerDefects("p99 is undefined ms.")).toEqual(["not a number: \u201cundefined\u201d"]);
  });
});
