import { parseArgs } from "node:util";
import { renderSimulation } from "../simulate/renderSimulation.js";
import { resolveAgentCommand } from "../simulate/resolveAgentCommand.js";
import { type SimulationResult, simulate } from "../simulate/simulate.js";
import { readPlanConfig } from "./readPlanConfig.js";

export const SIMULATE_HELP = `Usage: orchestrate simulate --spec FILE --agent CMD [options]

Runs the whole flow on this machine: a private Redis, a simulated GitHub with a seeded
repository octo-org/demo, the app and its workers. Exits 0 when the run ends \`done\`, 1 otherwise.

Options:
  --spec FILE        the spec, posted as the issue body (required)
  --agent CMD        a backend, run as \`sh -c CMD\` in the task's worktree with the work order
                     on stdin; relative paths in CMD (./my-agent.sh) are resolved against the
                     current directory. Repeat it to rotate or race backends (required)
  --verify CMD       the repository's verify command (\`verify:\` in .github/orchestrate.yml)
  --ci CMD           a CI check: on every push to a group's branch the simulated GitHub Actions
                     runs \`sh -c CMD\` in a checkout of the pushed commit (as a workflow's
                     \`run:\` step; relative paths in CMD are resolved as for --agent); a
                     failure becomes a ci-fix task for the agents
  --config FILE      a .github/orchestrate.yml to seed the repository with
  --reviews FILE     reviews to post on the groups' pull requests (JSON; see README.md)
  --timeout SECONDS  wall-clock limit (default 600): past it the run is stopped, its agents
                     killed, and simulate exits 1
  --json             print one JSON object instead of the summary
  -h, --help         show this help`;

const USAGE = "usage: orchestrate simulate --spec FILE --agent CMD [options] (see --help)";

/**
 * `orchestrate simulate`: the whole flow on this machine — a private Redis, a simulated GitHub
 * with a seeded repository, the app and its workers — driven by the spec posted as a labelled
 * issue through a real webhook. Exit 0 when the run ends `done`, 1 otherwise (a timeout, an
 * interrupt, a failed task), with a line saying which.
 */
export async function simulateCommand(argv: string[], cwd = process.cwd()): Promise<number> {
  let values: {
    spec?: string;
    agent?: string[];
    reviews?: string;
    config?: string;
    verify?: string;
    ci?: string;
    json?: boolean;
    timeout?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        spec: { type: "string" },
        agent: { type: "string", multiple: true },
        reviews: { type: "string" },
        config: { type: "string" },
        verify: { type: "string" },
        ci: { type: "string" },
        json: { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`orchestrate simulate: ${(error as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(`${SIMULATE_HELP}\n`);
    return 0;
  }
  if (!values.spec || !values.agent?.length) {
    process.stderr.write(`orchestrate simulate: --spec and --agent are required\n${USAGE}\n`);
    return 1;
  }
  const timeoutSeconds = values.timeout ? Number(values.timeout) : 600;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    process.stderr.write(`orchestrate simulate: --timeout takes seconds, e.g. --timeout 300\n`);
    return 1;
  }
  if (values.config) {
    // Checked as `plan` checks it, before anything starts: the app would only answer a bad file
    // with a comment and start nothing, leaving simulate to wait out its timeout.
    try {
      await readPlanConfig(values.config, cwd);
    } catch (error) {
      process.stderr.write(`orchestrate simulate: --config ${(error as Error).message}\n`);
      return 1;
    }
  }
  // A script of this machine named as ./ci.sh is found as --agent's are; the CI runs in a
  // checkout of the simulated repository, where a relative path would name nothing.
  let ciCommand = values.ci;
  if (ciCommand !== undefined) {
    const resolved = resolveAgentCommand(ciCommand, cwd, "--ci");
    if (!resolved.ok) {
      process.stderr.write(`orchestrate simulate: ${resolved.problem}\n`);
      return 1;
    }
    ciCommand = resolved.command;
  }
  const agents: string[] = [];
  const agentFiles: string[] = [];
  for (const agent of values.agent) {
    const resolved = resolveAgentCommand(agent, cwd);
    if (!resolved.ok) {
      process.stderr.write(`orchestrate simulate: ${resolved.problem}\n`);
      return 1;
    }
    agents.push(resolved.command);
    agentFiles.push(...resolved.files);
  }
  // Ctrl-C or a SIGTERM ends the simulation the way --timeout does: agents killed, logs kept.
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let result: SimulationResult;
  try {
    result = await simulate({
      specFile: values.spec,
      agents,
      agentFiles,
      ...(values.reviews ? { reviewsFile: values.reviews } : {}),
      ...(values.config ? { configFile: values.config } : {}),
      ...(values.verify ? { verify: values.verify } : {}),
      ...(ciCommand ? { ci: ciCommand } : {}),
      timeoutMs: timeoutSeconds * 1000,
      signal: interrupt.signal,
      progress: values.json ? () => {} : (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    process.stderr.write(`orchestrate simulate: ${(error as Error).message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : renderSimulation(result));
  if (result.run.stopped === "timeout") {
    process.stderr.write(
      `orchestrate simulate: stopped after --timeout ${timeoutSeconds} s: the run is ${result.run.state}, its agents killed\n`,
    );
    return 1;
  }
  if (result.run.stopped === "aborted") {
    process.stderr.write(
      `orchestrate simulate: interrupted: the run is ${result.run.state}, its agents killed\n`,
    );
    return 1;
  }
  return result.run.state === "done" ? 0 : 1;
}
