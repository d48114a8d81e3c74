import { readFile } from "node:fs/promises";

/** The prompt files under packages/llm/prompts, by name and version. */
export type PromptName = "planning.v1" | "answer.v2" | "repair.v1" | "drill-down.v1";

/** A prompt as written in its file: an optional system part and a user part. */
export interface PromptTemplate {
  readonly name: PromptName;
  readonly system?: string;
  readonly user: string;
}

const SYSTEM_MARK = "<!-- system -->";
const USER_MARK = "<!-- user -->";

/** Splits a prompt file at its `<!-- system -->` and `<!-- user -->` marks; text before them documents the file. */
export function parsePromptTemplate(name: PromptName, text: string): PromptTemplate {
  const userAt = text.indexOf(USER_MARK);
  if (userAt < 0) throw new Error(`prompt ${name} has no "${USER_MARK}" part`);
  const systemAt = text.indexOf(SYSTEM_MARK);
  const user = text.slice(userAt + USER_MARK.length).trim();
  if (systemAt < 0 || systemAt > userAt) return { name, user };
  return { name, system: text.slice(systemAt + SYSTEM_MARK.length, userAt).trim(), user };
}

/**
 * Fills `{{placeholder}}`s in one pass: a value that itself contains `{{...}}` (a user's
 * question, say) is inserted as is, never expanded. A placeholder without a value is a bug.
 */
export function renderPrompt(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`prompt placeholder {{${key}}} has no value`);
    return String(value);
  });
}

/** Reads a prompt file. The URL resolves from both src/ and dist/, which sit side by side with prompts/. */
export async function loadPrompt(name: PromptName): Promise<PromptTemplate> {
  const text = await readFile(new URL(`../prompts/${name}.md`, import.meta.url), "utf8");
  return parsePromptTemplate(name, text);
}

/** Loads each prompt once per owner (a reasoner) and keeps it. */
export class PromptLibrary {
  private readonly loaded = new Map<PromptName, Promise<PromptTemplate>>();

  get(name: PromptName): Promise<PromptTemplate> {
    let prompt = this.loaded.get(name);
    if (!prompt) {
      prompt = loadPrompt(name);
      // A failed read is retried next time rather than cached.
      prompt.catch(() => this.loaded.delete(name));
      this.loaded.set(name, prompt);
    }
    return prompt;
  }
}
