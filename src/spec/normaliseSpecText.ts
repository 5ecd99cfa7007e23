/**
 * GitHub stores issue bodies with CRLF line ends, and editors add a BOM. Both are removed before
 * parsing. Only CRLF pairs are rewritten (not lone CRs), so line N of the result is line N of the
 * original and every reported line number points at what the person wrote.
 */
export function normaliseSpecText(text: string): string {
  const withoutBom = text.startsWith("\uFEFF") ? text.slice(1) : text;
  return withoutBom.replace(/\r\n/g, "\n");
}
