/** `1,234,567`: an exact count, for the line that stops a run. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
