// What a worker needs to run the real Claude Code against the Messages API stand-in: the
// installed CLI on PATH, its base URL and a key. Claude Code reads them from the worker's own
// environment (the scrub passes PATH and ANTHROPIC_*), so they are set on this process and
// put back by the returned function.
import { resolve } from "node:path";
import { type Harness, startHarness } from "../e2e/harness.js";

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

/**
 * The app with the claude preset as its only backend, network for it, one attempt per task,
 * and a maintainer on the repository; `files` join the repository's README and config.
 */
export async function claudeHarness(
  repoPrefix: string,
  o: { files?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<Harness> {
  const h = await startHarness({
    repoPrefix,
    files: {
      "README.md": "# demo\n",
      ".github/orchestrate.yml": "limits:\n  attempts: 1\n",
      ...o.files,
    },
    env: { ORCHESTRATE_BACKENDS: "claude", ORCHESTRATE_SANDBOX_NETWORK: "claude", ...o.env },
  });
  h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
  return h;
}
