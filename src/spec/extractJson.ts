export type ExtractedJson = { ok: true; value: unknown } | { ok: false; error: string };

/** Candidates tried before giving up, so a long prose answer cannot cost quadratic time. */
const MAX_CANDIDATES = 50;

/**
 * Finds the JSON value in a model's answer. Models wrap JSON in ```json fences or in prose
 * ("Here is the plan: {...} Let me know…"), so this tries, in order: the whole answer, each fenced
 * block, then each balanced `{…}` / `[…]` span. A candidate holding `tasks` or `questions` wins
 * over other JSON (an example object in the prose, say).
 */
export function extractJson(answer: string): ExtractedJson {
  const candidates: string[] = [answer.trim()];
  for (const match of answer.matchAll(/```[^\n`]*\n([\s\S]*?)```/g))
    candidates.push((match[1] ?? "").trim());
  for (let i = 0; i < answer.length && candidates.length < MAX_CANDIDATES; i++) {
    const ch = answer[i];
    if (ch !== "{" && ch !== "[") continue;
    const end = balancedEnd(answer, i);
    if (end !== -1) candidates.push(answer.slice(i, end + 1));
  }

  let fallback: ExtractedJson | undefined;
  let firstError: string | undefined;
  for (const candidate of candidates) {
    if (candidate === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch (error) {
      // Only JSON-looking text is worth quoting a parse error for; prose is just "no JSON".
      if (/^[[{]/.test(candidate))
        firstError ??= error instanceof Error ? error.message : String(error);
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value) || "tasks" in value || "questions" in value)
      return { ok: true, value };
    fallback ??= { ok: true, value };
  }
  return (
    fallback ?? {
      ok: false,
      error: firstError
        ? `the answer holds no valid JSON (${firstError})`
        : "the answer holds no JSON object",
    }
  );
}

/** Index of the bracket that closes the one at `start`, skipping strings; -1 if none. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{") stack.push("}");
    else if (ch === "[") stack.push("]");
    else if (ch === "}" || ch === "]") {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}
