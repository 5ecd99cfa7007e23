import { constants } from "node:os";
import { lastOutputLine, outputTail } from "./outputTail.js";

/** What the shell's exit codes mean, for the agents run as `sh -c CMD`. */
const SHELL_EXITS: Record<number, string> = {
  126: "the command is not executable — `chmod +x` it, or run it through its interpreter (`sh my-agent.sh`)",
  127: "the command was not found — check its path (relative to the agent's working directory) and PATH",
};

/**
 * Why an agent failed, as the first line of a failure message (exit code or signal, and the
 * last line it printed), followed by the end of its output. In the sandbox, bubblewrap reports
 * an agent killed by signal N as its own exit code 128 + N (as shells do).
 */
export function agentFailureDetail(
  backend: string,
  agent: {
    exitCode: number | null;
    signal?: string | null;
    output: string;
    sandboxed?: boolean;
    /** the CLI's own words for the failure (see BackendResult.failure), before its last line */
    failure?: string | undefined;
  },
): string {
  // A CLI that said why it stopped exited by itself: its code is no signal (gemini exits
  // with the HTTP status, 401 → 145).
  const signalled =
    agent.failure === undefined &&
    agent.sandboxed &&
    agent.exitCode !== null &&
    agent.exitCode > 128 &&
    agent.exitCode < 160
      ? signalName(agent.exitCode - 128)
      : null;
  const how =
    agent.exitCode === 0 && agent.failure !== undefined
      ? `${backend} ended without finishing its work`
      : agent.exitCode !== null && signalled === null
        ? `${backend} exited with ${agent.exitCode}${SHELL_EXITS[agent.exitCode] ? ` (${SHELL_EXITS[agent.exitCode]})` : ""}`
        : `${backend} was killed by ${signalled ?? agent.signal ?? "a signal"}`;
  const last = agent.failure?.trim().split("\n")[0]?.slice(0, 300) || lastOutputLine(agent.output);
  const tail = outputTail(agent.output);
  return `${how}${last ? `: ${last}` : ", printing nothing"}${tail ? `\n${tail}` : ""}`;
}

function signalName(signo: number): string {
  const found = Object.entries(constants.signals).find(([, n]) => n === signo);
  return found ? found[0] : `signal ${signo}`;
}
