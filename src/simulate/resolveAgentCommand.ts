import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

export type ResolvedAgent =
  | {
      ok: true;
      command: string;
      /** Files the command names by path: the agent sandbox shows them to it, read-only. */
      files: string[];
    }
  | { ok: false; problem: string };

/** Words the shell runs itself, or that start something other than a command word. */
const NOT_A_PROGRAM = /[=$`'"\\(){}<>|;&*?~]/;

/**
 * `simulate --agent CMD` as the person typed it, made to work from the task's worktree (where
 * agents run): relative paths (`./my-agent.sh`, `../bin/agent`) are resolved against `cwd`, the
 * directory simulate was started from. The program itself is checked before anything starts,
 * so a missing or non-executable agent is one clear line instead of a failed run.
 */
export function resolveAgentCommand(
  command: string,
  cwd: string,
  /** the option it came from, for the messages */
  option = "--agent",
): ResolvedAgent {
  const words = command.trim().split(/(\s+)/);
  const program = words[0] ?? "";
  if (program === "") return { ok: false, problem: `${option} needs a command` };
  const shown = JSON.stringify(command);
  const resolved = words.map((word, i) => {
    if (i % 2 === 1 || !isRelativePath(word)) return word;
    const path = resolve(cwd, word);
    return i === 0 || exists(path) ? shellQuote(path) : word;
  });
  if (!NOT_A_PROGRAM.test(program)) {
    if (program.includes("/")) {
      const path = isAbsolute(program) ? program : resolve(cwd, program);
      if (!exists(path)) {
        return { ok: false, problem: `${option} ${shown}: ${path} does not exist` };
      }
      if (statSync(path).isDirectory()) {
        return { ok: false, problem: `${option} ${shown}: ${path} is a directory, not a program` };
      }
      if (!executable(path)) {
        return {
          ok: false,
          problem: `${option} ${shown}: ${path} is not executable — run \`chmod +x ${program}\`, or pass ${option} "sh ${program}"`,
        };
      }
    } else if (!onPath(program)) {
      return {
        ok: false,
        problem: `${option} ${shown}: \`${program}\` was not found on PATH — install it, or give its path (e.g. ./${program})`,
      };
    }
  }
  const files = words
    .filter((word, i) => i % 2 === 0 && (isRelativePath(word) || isAbsolute(word)))
    .map((word) => resolve(cwd, word))
    .filter((path) => exists(path) && !statSync(path).isDirectory());
  return { ok: true, command: resolved.join(""), files };
}

function isRelativePath(word: string): boolean {
  return word.startsWith("./") || word.startsWith("../");
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What `sh` would find for the word: a program on PATH, a builtin or a function. */
function onPath(program: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1" >/dev/null', "sh", program]).status === 0;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./+-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
