/**
 * C0 and C1 controls, DEL, Unicode line and paragraph separators, and bidi embeddings,
 * overrides and isolates. A lone `\r` ends a table row on GitHub, an ESC shows as garbage, and
 * a bidi override can visually reorder a table row.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const invisible = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from agents, planners and specs on one line: the characters above become spaces and runs
 * of white space collapse. Markdown escaping is the caller's next step.
 */
export function plainText(text: string): string {
  return text.replace(invisible, " ").replace(/\s+/g, " ").trim();
}
