import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { BackendConfig } from "./backendConfig.js";
import { runBackend } from "./backends.js";
import type { Isolation } from "./isolation/isolation.js";
import { parseBackends } from "./parseBackends.js";

/**
 * The backend ORCHESTRATE_PLANNER names: one of ORCHESTRATE_BACKENDS by name, or a declaration
 * of its own (a preset, `name=command`, JSON). Throws a line naming the variable otherwise.
 */
export function plannerBackend(setting: string, backends: BackendConfig[]): BackendConfig {
  const declared = backends.find((b) => b.name === setting.trim());
  if (declared) return declared;
  try {
    const [own] = parseBackends(setting);
    if (own) return own;
  } catch (error) {
    const names = backends.map((b) => b.name).join(", ") || "none declared";
    // A JSON declaration may hold a key in its env: it is not repeated in the message.
    const shown = setting.trim().startsWith("[") ? "its JSON" : `"${setting}"`;
    throw new Error(
      `ORCHESTRATE_PLANNER: ${shown} is neither a backend of ORCHESTRATE_BACKENDS (${names}) nor a declaration of its own (${(error as Error).message.replace(/^ORCHESTRATE_BACKENDS[^:]*: /, "")})`,
    );
  }
  throw new Error(`ORCHESTRATE_PLANNER: "${setting}" names no backend`);
}

/**
 * The planner as an `ask(prompt) → answer` function: the operator's ORCHESTRATE_PLANNER names
 * one of the configured backends (or is itself a backend declaration) and runs in an empty
 * directory; its answer is what it writes to ORCHESTRATE_OUTPUT_FILE, else what it prints.
 */
export function plannerAsk(
  backend: BackendConfig,
  workDir: string,
  timeoutMs: number,
  sandbox: { isolation: Isolation; network?: (name: string) => boolean },
): (prompt: string) => Promise<string> {
  let n = 0;
  return async (prompt) => {
    await mkdir(workDir, { recursive: true });
    const dir = await mkdtemp(join(workDir, "plan-"));
    try {
      n += 1;
      // The planner's working directory is a folder of its own; its log and report are kept
      // beside it, where the planner (an agent reading untrusted text) cannot plant links.
      const worktree = join(dir, "work");
      await mkdir(worktree);
      const result = await runBackend(backend, {
        worktree,
        prompt,
        taskId: "plan",
        taskKind: "implement",
        attemptDir: join(dir, `attempt-${n}`),
        // The planner reads the issue, untrusted text: it runs sandboxed like any agent.
        isolation: sandbox.isolation,
        network: sandbox.network?.(backend.name) ?? false,
        timeoutMs,
      });
      if (!result.ok) {
        throw new Error(`the planner (${backend.name}) failed: ${result.report.slice(-500)}`);
      }
      return result.answer;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
