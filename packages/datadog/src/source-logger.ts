/** The slice of a pino logger the sources use; any pino logger fits. */
export interface SourceLogger {
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}
