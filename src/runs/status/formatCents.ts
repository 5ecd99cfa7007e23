/** `$0.04`, `$12.30`: dollars to the cent. */
export function formatCents(usd: number): string {
  return `$${usd.toFixed(2)}`;
}
