/**
 * One expectation's `metric` for any of several metrics: the name itself for one, else their
 * common prefix up to a dot, with the `*` that makes it a prefix ("postgresql.*").
 */
export function metricPrefix(names: readonly string[]): string {
  const [first = "", ...rest] = names;
  if (rest.every((n) => n === first)) return first;
  let prefix = first;
  for (const name of rest) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return `${prefix.slice(0, prefix.lastIndexOf(".") + 1)}*`;
}
