import { parseArgs } from "node:util";
import { renderSimulation } from "../simulate/renderSimulation.js";
import { type SimulationResult, simulate } from "../simulate/simulate.js";

const USAGE =
  "usage: orchestrate simulate --spec FILE --agent CMD [--agent CMD …] [--reviews FILE] [--config FILE] [--verify CMD] [--json]";

/**
 * `orchestrate simulate`: the whole flow on this machine — a private Redis, a simulated GitHub
 * with a seeded repository, the app and its workers — driven by the spec posted as a labelled
 * issue through a real webhook. Exit 0 when the run ends `done`, 1 otherwise.
 */
export async function simulateCommand(argv: string[]): Promise<number> {
  let values: {
    spec?: string;
    agent?: string[];
    reviews?: string;
    config?: string;
    verify?: string;
    json?: boolean;
    timeout?: string;
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
        json: { type: "boolean" },
        timeout: { type: "string" },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`orchestrate simulate: ${(error as Error).message}\n${USAGE}\n`);
    return 1;
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
  let result: SimulationResult;
  try {
    result = await simulate({
      specFile: values.spec,
      agents: values.agent,
      ...(values.reviews ? { reviewsFile: values.reviews } : {}),
      ...(values.config ? { configFile: values.config } : {}),
      ...(values.verify ? { verify: values.verify } : {}),
      timeoutMs: timeoutSeconds * 1000,
      progress: values.json ? () => {} : (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    process.stderr.write(`orchestrate simulate: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : renderSimulation(result));
  return result.run.state === "done" ? 0 : 1;
}
