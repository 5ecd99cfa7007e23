#!/usr/bin/env node
import { existsSync } from "node:fs";
import { ConfigError } from "./config/configError.js";

const usage = `Usage: orchestrate <command>

Commands:
  server                 webhook server, worker and poller in one process (what \`npm start\` runs)
  worker                 a worker process only, for more machines sharing one Redis
  plan FILE|- [--json]   print the plan a spec would make (no GitHub, Redis or credentials)
  simulate --spec FILE --agent CMD [--reviews FILE] [--json]
                         the whole flow on this machine against a simulated GitHub

Configuration comes from the environment (and a .env file); see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
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
