import { AppError } from "@orch/core";
import type { z } from "zod";

/** A configuration problem; the message names every offending key and what it must be. */
export class ConfigError extends AppError {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super("config_error", message, { problems });
  }

  static fromZod(source: string, error: z.ZodError): ConfigError {
    const problems = error.issues.map((issue) => {
      const key = issue.path.map(String).join(".") || "(root)";
      return `${source} ${key}: ${issue.message}`;
    });
    return new ConfigError(`invalid configuration:\n  - ${problems.join("\n  - ")}`, problems);
  }
}
