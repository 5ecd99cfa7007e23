import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { RepoConfig } from "../config/repoConfig.js";
import { buildPlan, type Plan } from "../spec/buildPlan.js";
import { formatError } from "../spec/formatError.js";
import { mergeSpecFiles } from "../spec/mergeSpecFiles.js";
import { type ParsedSpec, parseSpec } from "../spec/parseSpec.js";
import { planWithPlanner } from "../spec/planner.js";
import { relocateSpecErrors } from "../spec/relocateSpecErrors.js";
import { renderPlanMarkdown, type TaskDefaults } from "../spec/renderPlan.js";
import type { SpecError } from "../spec/specError.js";
import type { Task } from "../spec/task.js";
import { readPlanConfig } from "./readPlanConfig.js";

/** The app's limits for an issue body (characters) and a body merged with its spec files. */
const ISSUE_BODY_MAX_CHARS = 65_536;
const ISSUE_BODY_MAX_BYTES = 4 * ISSUE_BODY_MAX_CHARS;
const MERGED_MAX_BYTES = 1024 * 1024;

export interface PlanCommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Where FILE and the spec files it names are looked up (the repository root); default cwd. */
  cwd?: string;
}

export const PLAN_HELP = `Usage: orchestrate plan FILE|- [options]

Prints the plan a spec makes — a mermaid diagram and a table of tasks — checked as the app
checks it, with no GitHub, Redis or credentials. FILE is the spec (- reads stdin); spec files it
names (spec: path) are read relative to the current directory.

Options:
  --config FILE   the repository's .github/orchestrate.yml, for its limits (max_tasks) and
                  its verify and race defaults; default: .github/orchestrate.yml of the git
                  repository around the current directory, if there is one
  --json          print {tasks, groups, order} as JSON instead
  --issue N       fill in the issue number in branch names (orchestrate/N-group)
  --planner CMD   plan a free-form spec with CMD: prompt on stdin, answer on stdout
  -h, --help      show this help

Exit codes: 0 a valid plan, 2 an invalid spec (one problem per line on stderr), 1 anything else.`;

const USAGE =
  "usage: orchestrate plan FILE|- [--config FILE] [--json] [--issue N] [--planner CMD] (see --help)";

/** Exit codes: 0 a valid plan, 2 the spec is invalid (or needs a planner / input), 1 anything else. */
const EXIT = { ok: 0, failure: 1, invalidSpec: 2 } as const;

/**
 * `orchestrate plan`: a dry run of planning, with no GitHub, Redis or credentials. Reads a spec
 * (a file or stdin), appends the spec files it names (read from the working directory, as the app
 * reads them from the default branch), validates it and prints the plan as markdown, or with
 * `--json` as `{tasks, groups, order}`. Spec errors go to stderr one per line. A free-form spec
 * needs a planner: `--planner CMD` runs CMD through the shell with the prompt on stdin and takes
 * its stdout as the answer, exactly as the app's planner backend would be asked.
 */
export async function planCommand(argv: string[], io: PlanCommandIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let args: PlanArgs;
  try {
    args = readArgs(argv);
  } catch (error) {
    io.stderr(`orchestrate plan: ${message(error)}\n${USAGE}\n`);
    return EXIT.failure;
  }
  if (args.help) {
    io.stdout(`${PLAN_HELP}\n`);
    return EXIT.ok;
  }
  let config: RepoConfig;
  try {
    config = await readPlanConfig(args.config, cwd);
  } catch (error) {
    io.stderr(`orchestrate plan: ${message(error)}\n`);
    return EXIT.failure;
  }
  const maxTasks = config.limits.max_tasks;

  let text: string;
  try {
    text =
      args.file === "-"
        ? await readStream(io.stdin)
        : await readFile(resolve(cwd, args.file), "utf8");
  } catch (error) {
    io.stderr(
      `orchestrate plan: cannot read ${args.file === "-" ? "stdin" : args.file}: ${message(error)}\n`,
    );
    return EXIT.failure;
  }

  const printErrors = (errors: readonly SpecError[]): number => {
    io.stderr(errors.map((error) => `${formatError(error)}\n`).join(""));
    return EXIT.invalidSpec;
  };

  try {
    // GitHub limits an issue body in characters, as the app checks it.
    const chars = [...text].length;
    if (chars > ISSUE_BODY_MAX_CHARS) {
      io.stderr(
        `the spec is ${chars.toLocaleString("en-US")} characters; GitHub's limit for an issue body is ${ISSUE_BODY_MAX_CHARS.toLocaleString("en-US")} — move detail into spec files (\`spec: docs/feature.md\`) or split the issue\n`,
      );
      return EXIT.invalidSpec;
    }
    const spec = await parseWithFiles(text, cwd, maxTasks);
    if (!spec.ok) return printErrors(spec.errors);

    let tasks: Task[];
    let groups: string[];
    if (spec.format === "freeform") {
      if (!args.planner) {
        io.stderr(
          "the spec has no task list (no ```yaml/```json block with tasks, no `- [ ] id: title` checklist under a group heading); " +
            "a free-form spec is planned by the app's planner — or pass --planner CMD to run a planner command here\n",
        );
        return EXIT.invalidSpec;
      }
      const planned = await planWithPlanner(spec.text, commandAsker(args.planner, cwd), {
        maxTasks,
      });
      if (planned.kind === "questions") {
        io.stderr(
          `the planner needs more information:\n${planned.questions.map((q) => `- ${q}\n`).join("")}`,
        );
        return EXIT.invalidSpec;
      }
      if (planned.kind === "invalid") {
        io.stderr(
          `the planner gave no valid plan in ${planned.attempts} attempts; the last answer's problems:\n`,
        );
        return printErrors(planned.errors);
      }
      ({ tasks, groups } = planned);
    } else {
      ({ tasks, groups } = spec);
    }

    const plan = buildPlan(tasks, {
      groups,
      ...(args.issue !== undefined ? { issue: args.issue } : {}),
    });
    const defaults = { verify: config.verify, race: config.race };
    io.stdout(
      args.json
        ? `${JSON.stringify(planJson(plan, defaults), null, 2)}\n`
        : planMarkdown(plan, defaults, (line) => io.stderr(`orchestrate plan: warning: ${line}\n`)),
    );
    return EXIT.ok;
  } catch (error) {
    io.stderr(`orchestrate plan: ${message(error)}\n`);
    return EXIT.failure;
  }
}

interface PlanArgs {
  file: string;
  json: boolean;
  issue: number | undefined;
  planner: string | undefined;
  config: string | undefined;
  help: boolean;
}

function readArgs(argv: string[]): PlanArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      issue: { type: "string" },
      planner: { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    return {
      file: "-",
      json: false,
      issue: undefined,
      planner: undefined,
      config: undefined,
      help: true,
    };
  }
  if (positionals.length !== 1) {
    throw new Error(
      positionals.length === 0 ? "name a spec file, or - for stdin" : "give one spec file",
    );
  }
  let issue: number | undefined;
  if (values.issue !== undefined) {
    if (!/^[1-9]\d*$/.test(values.issue))
      throw new Error(`--issue must be an issue number, not "${values.issue}"`);
    issue = Number(values.issue);
  }
  if (values.planner !== undefined && values.planner.trim() === "")
    throw new Error("--planner needs a command");
  if (values.config !== undefined && values.config.trim() === "")
    throw new Error("--config needs a file");
  return {
    file: positionals[0] ?? "-",
    json: values.json === true,
    issue,
    planner: values.planner,
    config: values.config,
    help: false,
  };
}

/** The body, plus the spec files it names, parsed as one; errors point into the right file. */
async function parseWithFiles(text: string, cwd: string, maxTasks: number): Promise<ParsedSpec> {
  const first = parseSpec(text, { maxTasks, maxBytes: ISSUE_BODY_MAX_BYTES });
  if (
    first.files.length === 0 ||
    (!first.ok && first.errors.some((e) => e.code === "bad_spec_file"))
  ) {
    return first;
  }
  const contents: Record<string, string | null> = {};
  for (const path of first.files) {
    contents[path] = await readFile(resolve(cwd, path), "utf8").catch(() => null);
  }
  const merged = mergeSpecFiles(text, contents);
  if (!merged.ok) return { ok: false, errors: merged.errors, files: first.files };
  const parsed = parseSpec(merged.text, { maxTasks, maxBytes: MERGED_MAX_BYTES });
  return parsed.ok
    ? parsed
    : { ...parsed, errors: relocateSpecErrors(parsed.errors, merged.sections) };
}

/** The `--json` shape: exactly these fields, so scripts can rely on them. */
function planJson(plan: Plan, defaults: TaskDefaults): unknown {
  return {
    tasks: plan.tasks.map((t) => ({
      id: t.id,
      group: t.group,
      depends_on: t.depends_on,
      title: t.title,
      description: t.description,
      priority: t.priority,
      // What a worker will run: the task's own settings, else the repository's.
      verify: t.verify ?? defaults.verify ?? null,
      backend: t.backend ?? null,
      // The task's own; without them the repository's backend_defaults for whichever backend
      // runs it, decided only then.
      model: t.model ?? null,
      effort: t.effort ?? null,
      race: t.race ?? defaults.race,
    })),
    groups: plan.groups.map((g) => ({ name: g.name, branch: g.branch, tasks: g.tasks })),
    order: plan.order,
  };
}

function planMarkdown(plan: Plan, defaults: TaskDefaults, warn: (line: string) => void): string {
  const groups = plan.groups
    .map((g) => `- \`${g.branch}\`: ${g.tasks.length} task${g.tasks.length === 1 ? "" : "s"}\n`)
    .join("");
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `${count(plan.tasks.length, "task", "tasks")} in ${count(plan.groups.length, "pull request", "pull requests")}:\n\n${groups}\n${renderPlanMarkdown(plan, undefined, { defaults, warn })}`;
}

/** Runs the planner command once per question: prompt on stdin, answer on stdout. */
function commandAsker(command: string, cwd: string): (prompt: string) => Promise<string> {
  return (prompt) =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(command, { shell: true, cwd, stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      // A planner that exits without reading all of stdin is fine; its answer still counts.
      child.stdin.on("error", () => {});
      child.on("error", reject);
      child.on("close", (code) => {
        if (code === 0) resolvePromise(Buffer.concat(out).toString("utf8"));
        else {
          const tail = Buffer.concat(err).toString("utf8").trim().slice(-500);
          reject(new Error(`the planner command exited with ${code}${tail ? `: ${tail}` : ""}`));
        }
      });
      child.stdin.end(prompt);
    });
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : error.message;
  }
  return String(error);
}
