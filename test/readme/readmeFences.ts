/** The fenced block that follows `after` in `markdown`, and the fence's language. */
export function fenceAfter(markdown: string, after: string): { lang: string; body: string } {
  const at = markdown.indexOf(after);
  if (at < 0) throw new Error(`the README no longer says ${JSON.stringify(after)}`);
  const fence = /^```(\w*)\n([\s\S]*?)^```$/m.exec(markdown.slice(at));
  if (!fence) throw new Error(`no code block after ${JSON.stringify(after)}`);
  return { lang: fence[1] ?? "", body: fence[2] ?? "" };
}
