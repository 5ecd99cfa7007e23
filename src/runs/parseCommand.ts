import type { CommandName } from "../queue/eventJob.js";

export type ParsedCommand =
  | { kind: "command"; command: CommandName; argument: string | null }
  | { kind: "unknown"; word: string }
  | { kind: "none" };

const words: Record<string, CommandName> = {
  "": "start",
  start: "start",
  stop: "stop",
  cancel: "stop",
  status: "status",
  retry: "retry",
  approve: "approve",
  replan: "replan",
  reopen: "reopen",
};

/**
 * Reads `/orchestrate [word] [argument]` from the first line of a comment. Only a comment that
 * begins with the command counts, so quoting it in prose does not trigger anything.
 */
export function parseCommand(body: string): ParsedCommand {
  const firstLine =
    body
      .replace(/^\uFEFF/, "")
      .trimStart()
      .split(/\r?\n/, 1)[0] ?? "";
  const match = /^\/orchestrate(?:\s+(\S+))?(?:\s+(.+?))?\s*$/i.exec(firstLine);
  if (!match) return { kind: "none" };
  const word = (match[1] ?? "").toLowerCase();
  const command = words[word];
  if (!command) return { kind: "unknown", word };
  const argument = match[2]?.trim() || null;
  return { kind: "command", command, argument };
}

export const commandHelp = [
  "`/orchestrate` — start a run from this issue's spec (or adopt this pull request)",
  "`/orchestrate status` — refresh the status comment",
  "`/orchestrate stop` — stop the run and cancel every job",
  "`/orchestrate retry <task-id>` — run a failed task again",
  "`/orchestrate approve` — start a plan that waits for approval",
  "`/orchestrate replan` — plan the spec again: changed tasks are redone, new ones added, removed ones cancelled",
  "`/orchestrate reopen <group>` — reopen a group's pull request closed without merge, and follow it again",
].join("\n");
