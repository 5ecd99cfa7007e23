import { lastOutputLine, outputTail } from "./outputTail.js";

/** What the shell's exit codes mean, for the agents run as `sh -c CMD`. */
const SHELL_EXITS: Record<number, string> = {
  126: "the command is not executable — `chmod +x` it, or run it through its interpreter (`sh my-agent.sh`)",
  127: "the command was not found — check its path (relative to the agent's working directory) and PATH",
};

/**
 * Why an agent failed, as the first line of a failure message (exit code or signal, and the
 * last line it printed), followed by the end of its output.
 */
export function agentFailureDetail(
  backend: string,
  agent: { exitCode: number | null; signal?: string | null; output: string },
): string {
  const how =
    agent.exitCode !== null
      ? `${backend} exited with ${agent.exitCode}${SHELL_EXITS[agent.exitCode] ? ` (${SHELL_EXITS[agent.exitCode]})` : ""}`
      : `${backend} was killed by ${agent.signal ?? "a signal"}`;
  const last = lastOutputLine(agent.output);
  const tail = outputTail(agent.output);
  return `${how}${last ? `: ${last}` : ", printing nothing"}${tail ? `\n${tail}` : ""}`;
}
