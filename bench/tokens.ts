import { countTokens } from "gpt-tokenizer";
import { Redis } from "ioredis";
import { startFakeOpenAI, startRedis } from "@orch/testkit";
import type { BenchSettings } from "./support/bench-settings.js";
import { startServiceStack } from "./support/service-stack.js";
import { DEMO_QUESTIONS } from "./support/submit-jobs.js";
import { round } from "./support/stats.js";

export interface TokensResult {
  readonly context_budget: number;
  readonly jobs: readonly TokenRow[];
  readonly mean_ratio: number;
}

export interface TokenRow {
  readonly service_id: string;
  /** Tokens of the whole answer prompt as sent (all messages, o200k). */
  readonly prompt_tokens: number;
  /** Of which the formatted context (findings, statistics, downsampled points). */
  readonly context_tokens: number;
  /** The raw evidence of the same job as JSON. */
  readonly raw_evidence_tokens: number;
  /** The prompt with the raw JSON in place of the formatted context. */
  readonly raw_prompt_tokens: number;
  /** raw_prompt_tokens ÷ prompt_tokens */
  readonly ratio: number;
}

/** The answer prompt ends with the context, after the coverage line (prompts/answer.v1.md). */
const CONTEXT_START = /Coverage: [^\n]* of the planned reads returned data\.\n\n/;

/**
 * Prompt tokens per job with the context formatter versus the raw JSON of the same evidence:
 * each demo question answered by the OpenAI reasoner against the fake OpenAI server; the prompt
 * is taken from the request the fake received, the evidence from the job's record in Redis.
 */
export async function benchTokens(settings: BenchSettings): Promise<TokensResult> {
  const redis = await startRedis();
  const openai = await startFakeOpenAI();
  const stack = await startServiceStack({
    redis,
    workers: 1,
    concurrency: settings.concurrency,
    env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url },
  });
  const client = new Redis(redis.url);
  try {
    const rows: TokenRow[] = [];
    for (const [i, question] of DEMO_QUESTIONS.entries()) {
      const res = await stack.post("/orchestrate", { ...question, session_id: `tokens-${i}` });
      const { job_id } = (await res.json()) as { job_id: string };
      if (res.status !== 200) throw new Error(`POST /orchestrate answered ${res.status}`);
      const answer = openai.requests.findLast((r) => r.body.response_format?.json_schema?.name === "answer");
      if (!answer) throw new Error("the fake OpenAI received no answer request");
      const prompt = answer.body.messages.map((m) => m.content);
      const user = prompt.at(-1) ?? "";
      const start = CONTEXT_START.exec(user);
      if (!start) throw new Error("the answer prompt changed: no coverage line before the context");
      const context = user.slice(start.index + start[0].length);
      const evidence = await client.get(`orch:job:{${job_id}}:out:execution`);
      if (!evidence) throw new Error(`no evidence saved for job ${job_id}`);
      const promptTokens = prompt.reduce((n, text) => n + countTokens(text), 0);
      const contextTokens = countTokens(context);
      const rawTokens = countTokens(evidence);
      const rawPrompt = promptTokens - contextTokens + rawTokens;
      rows.push({
        service_id: question.service_id,
        prompt_tokens: promptTokens,
        context_tokens: contextTokens,
        raw_evidence_tokens: rawTokens,
        raw_prompt_tokens: rawPrompt,
        ratio: round(rawPrompt / promptTokens, 1),
      });
    }
    return {
      context_budget: 6000,
      jobs: rows,
      mean_ratio: round(rows.reduce((n, r) => n + r.ratio, 0) / rows.length, 1),
    };
  } finally {
    client.disconnect();
    await stack.close();
    await openai.close();
    await redis.stop();
  }
}
