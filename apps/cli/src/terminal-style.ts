/** ANSI styles, or plain text when colour is off (not a TTY, NO_COLOR set, --no-color). */
export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly italic: (s: string) => string;
  readonly underline: (s: string) => string;
  readonly code: (s: string) => string;
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

export function terminalStyle(color: boolean): Style {
  if (!color)
    return {
      bold: plain,
      dim: plain,
      italic: plain,
      underline: plain,
      code: plain,
      green: plain,
      red: plain,
      yellow: plain,
    };
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    italic: wrap(3, 23),
    underline: wrap(4, 24),
    code: wrap(36, 39),
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
  };
}

/** The width a string takes on screen: without ANSI sequences. */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\x1b\[[0-9;]*m/g, "")].length;
}

/** Whether to colour a stream: a TTY, and neither NO_COLOR nor --no-color. */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
  noColor: boolean,
): boolean {
  return Boolean(stream.isTTY) && !noColor && env.NO_COLOR === undefined && env.TERM !== "dumb";
}
