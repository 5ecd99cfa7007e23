const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** How far around the cut the grapheme segmenter looks; longer clusters are rare (Zalgo text). */
const WINDOW = 16;

/**
 * Characters that may belong to the grapheme before them (marks, which include the variation
 * selectors, joiners, skin tones, flag halves, Hangul vowels and finals, tags), and characters that may hold on to
 * the one after them (marks again, for Indic conjuncts; joiners, flag halves, prepended
 * concatenation marks, Hangul leading consonants). Anywhere else a cut is clean.
 */
const joinsPrevious =
  /\u200d|[\p{M}\u1160-\u11ff\ud7b0-\ud7ff\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}\u{e0000}-\u{e0fff}]/u;
const joinsNext =
  /\u200d|[\p{M}\u{1f1e6}-\u{1f1ff}\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}\u1100-\u115f\ua960-\ua97f]/u;

/**
 * At most `max` code points, the last one `…` when something was cut, and never a cut through
 * an emoji, a flag or an accented letter (a broken glyph on GitHub). The grapheme segmenter only
 * runs, on a small window, when the characters at the cut could join: segmenting every string
 * whole made a 1,000-task comment take seconds to render.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  // `cut`: the UTF-16 index just past `max - 1` code points, leaving room for the ellipsis.
  let i = 0;
  let points = 0;
  let cut = 0;
  while (i < text.length && points <= max) {
    if (points === max - 1) cut = i;
    i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    points++;
  }
  if (points <= max) return text;
  const before = [...text.slice(Math.max(0, cut - 2), cut)].at(-1) ?? "";
  const at = String.fromCodePoint(text.codePointAt(cut) ?? 0);
  if (!joinsNext.test(before) && !joinsPrevious.test(at)) return `${text.slice(0, cut)}…`;
  const from = Math.max(0, cut - WINDOW);
  let boundary = from;
  for (const { index } of graphemes.segment(text.slice(from, cut + WINDOW))) {
    if (from + index > cut) break;
    boundary = from + index;
  }
  return `${text.slice(0, boundary)}…`;
}
