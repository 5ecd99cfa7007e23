import { spawn } from "node:child_process";

/**
 * An `ask` adapter that runs a planner executable as a real child process: the prompt on stdin,
 * the answer from stdout. Mirrors what the app's adapter does with the operator's command.
 */
export function spawnAsk(
  executable: string,
  env: Record<string, string> = {},
): (prompt: string) => Promise<string> {
  return (prompt) =>
    new Promise((resolve, reject) => {
      const child = spawn(executable, [], {
        env: { ...process.env, ...env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        err += chunk;
      });
      child.stdin.on("error", () => {});
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${executable} exited ${code}: ${err}`)),
      );
      child.stdin.end(prompt);
    });
}
