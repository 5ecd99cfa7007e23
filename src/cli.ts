#!/usr/bin/env node
import { existsSync } from "node:fs";
import { ConfigError } from "./config/configError.js";

const usage = `Usage: orchestrate <command> [options]

Commands:
  server                 webhook server, worker and poller in one process (what \`npm start\` runs)
  worker                 a worker process only, for more machines sharing one Redis
  plan FILE|-            print the plan a spec would make (no GitHub, Redis or credentials)
  simulate --spec FILE --agent CMD
                         the whole flow on this machine against a simulated GitHub

\`orchestrate <command> --help\` lists a command's options. Configuration comes from the
environment (and a .env file); see README.md.`;

/** server and worker take no options: everything is set in the environment. */
const processHelp = (command: "server" | "worker") => `Usage: orchestrate ${command}

${
  command === "server"
    ? "Runs the webhook server, the event and task workers and the review poller in one process\n(what `npm start` runs). Without REDIS_URL it starts a private redis-server."
    : "Runs a worker only: it takes tasks from the Redis at REDIS_URL, shared with the server."
}
SIGTERM or Ctrl-C stops it after the tasks in hand finish.

Options:
  -h, --help   show this help

Everything else is set in the environment (or a .env file in the current directory): APP_ID,
PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, REDIS_URL, ORCHESTRATE_BACKENDS,
WORKER_CONCURRENCY, TASK_TIMEOUT_MINUTES and the others listed in README.md (Configuration).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if ((command === "server" || command === "worker") && rest.length > 0) {
    if (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) {
      process.stdout.write(`${processHelp(command)}\n`);
      return 0;
    }
    process.stderr.write(
      `orchestrate ${command}: takes no arguments (got ${rest.join(" ")}); see orchestrate ${command} --help\n`,
    );
    return 1;
  }
  // Probot writes the registered App's credentials to .env; read it like Probot would.
  if (existsSync(".env") && (command === "server" || command === "worker"))
    process.loadEnvFile(".env");
  switch (command) {
    case "server": {
      const { serverCommand } = await import("./cli/serverCommand.js");
      return serverCommand();
    }
    case "worker": {
      const { workerCommand } = await import("./cli/workerCommand.js");
      return workerCommand();
    }
    case "plan": {
      const { planCommand } = await import("./cli/planCommand.js");
      return planCommand(rest, {
        stdin: process.stdin,
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    }
    case "simulate": {
      const { simulateCommand } = await import("./cli/simulateCommand.js");
      return simulateCommand(rest);
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`orchestrate: unknown command "${command}"\n\n${usage}\n`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`orchestrate: ${error.message}\n`);
    } else {
      process.stderr.write(`orchestrate: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
