/** The first `cap` items, then one line saying how many were left out (when any were). */
export function capList(
  items: readonly string[],
  cap: number,
  more: (left: number) => string,
): string[] {
  if (items.length <= cap) return [...items];
  return [...items.slice(0, cap), more(items.length - cap)];
}
