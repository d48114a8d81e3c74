/** The items not seen before (by `key`), recording them as seen: pages served twice list nothing twice. */
export function firstSightings<T>(
  items: readonly T[],
  seen: Set<string>,
  key: (item: T) => string | number,
): T[] {
  return items.filter((item) => {
    const k = String(key(item));
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
