// What a worker needs to run the real Claude Code against the Messages API stand-in: the
// installed CLI on PATH, its base URL and a key. Claude Code reads them from the worker's own
// environment (the scrub passes PATH and ANTHROPIC_*), so they are set on this process and
// put back by the returned function.
import { resolve } from "node:path";

export function useClaudeCode(apiUrl: string, extra: Record<string, string> = {}): () => void {
  const values: Record<string, string> = {
    PATH: `${resolve("node_modules/.bin")}:${process.env["PATH"] ?? ""}`,
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: "sk-ant-test-key",
    ...extra,
  };
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** The agent's working directory, as Claude Code states it in its system prompt. */
export function workingDirectory(systemText: string): string {
  const m = /Primary working directory: (\S+)/.exec(systemText);
  if (!m?.[1]) throw new Error("the request names no working directory");
  return m[1];
}
