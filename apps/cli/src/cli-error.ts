/** Exit codes: scripts rely on them, so they never change meaning. */
export const EXIT = {
  completed: 0,
  /** The job failed or was cancelled. */
  jobFailed: 1,
  usage: 2,
  /** The orchestrator could not be reached, or refused the token. */
  connection: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports in one line and exits with. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}
