// What the end-to-end tests look at, the way a user would: the sandbox repository's git
// history, the app's comments, the agents' own traces (logs, work orders) and the machine's
// processes (read from /proc: an agent's own pid is its sandbox's, meaningless here).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";

/**
 * Polls `probe` until it returns something truthy; after `timeoutMs` fails naming `what`, with
 * whatever `explain` says about the state things were left in.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  o: { timeoutMs?: number; explain?: () => string | Promise<string> } = {},
): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      const state = o.explain ? `\n${await o.explain()}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const agentPath = (file: string) => resolve("test/agents", file);

/** ORCHESTRATE_BACKENDS for Node test agents: name → agent file and the agent's environment. */
export function backendsJson(
  backends: Array<{
    name: string;
    agent: string;
    env?: Record<string, string>;
    timeoutMs?: number;
  }>,
): string {
  return JSON.stringify(
    backends.map((b) => ({
      name: b.name,
      command: [process.execPath, agentPath(b.agent)],
      promptVia: "stdin",
      env: { AGENT_NAME: b.name, ...b.env },
      ...(b.timeoutMs ? { timeoutMs: b.timeoutMs } : {}),
    })),
  );
}

/**
 * The app with the scripted agent (steered through `dir`, see test/agents/scripted-agent.mjs)
 * as its backend, besides `backends`; a maintainer with `role` on the repository; and GitHub's
 * webhooks sent to the app, as a person's actions would send them.
 */
export async function scriptedHarness(
  dir: string,
  o: {
    files?: Record<string, string>;
    env?: Record<string, string>;
    backends?: Parameters<typeof backendsJson>[0];
    role?: "admin" | "maintain";
  } = {},
): Promise<Harness> {
  const h = await startHarness({
    ...(o.files ? { files: { "README.md": "# demo\n", ...o.files } } : {}),
    env: {
      ...sharedWith(dir),
      ORCHESTRATE_BACKENDS: backendsJson([
        { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: dir } },
        ...(o.backends ?? []),
      ]),
      ...o.env,
    },
  });
  h.sandbox.setPermission(h.repo, "maintainer-user", o.role ?? "admin");
  h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
  return h;
}

export interface Commit {
  sha: string;
  parents: string[];
  subject: string;
  body: string;
  /** "Name <email>" */
  author: string;
}

function git(h: Harness, args: string[]): string {
  const gitDir = h.sandbox.state.repos.get(h.repo)?.gitDir ?? "";
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8" });
}

/** Commits of `ref` that are not on main, newest first; none while `ref` does not exist. */
export function branchLog(h: Harness, ref: string): Commit[] {
  try {
    git(h, ["rev-parse", "--verify", "--quiet", `refs/heads/${ref}`]);
  } catch {
    return [];
  }
  const out = git(h, ["log", "--format=%H%x1f%P%x1f%an <%ae>%x1f%s%x1f%B%x1e", ref, "^main"]);
  return out
    .split("\x1e")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const [sha = "", parents = "", author = "", subject = "", body = ""] = entry.split("\x1f");
      return { sha, parents: parents.split(" ").filter(Boolean), subject, body, author };
    });
}

/** Who the App's commits are by: its bot user, with GitHub's noreply address for it. */
export function botIdentity(h: Harness): string {
  const bot = [...h.sandbox.state.users.values()].find((u) => u.login === "orchestrate[bot]");
  if (!bot) throw new Error("the sandbox has no orchestrate[bot] user");
  return `${bot.login} <${bot.id}+${bot.login}@users.noreply.github.com>`;
}

/** The commits on `ref` that carry the task's `Orchestrate-Task` trailer. */
export function taskCommits(h: Harness, ref: string, issue: number, taskId: string): Commit[] {
  const trailer = `Orchestrate-Task: ${h.repo}#${issue} ${taskId}`;
  return branchLog(h, ref).filter((c) => c.body.split("\n").some((l) => l.trim() === trailer));
}

export function isAncestor(h: Harness, ancestor: string, descendant: string): boolean {
  try {
    git(h, ["merge-base", "--is-ancestor", ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}

/** The app's comments on an issue, oldest first. */
export function appComments(h: Harness, issue: number): string[] {
  return h.sandbox
    .issueComments(h.repo, issue)
    .filter((c) => c.user === "orchestrate[bot]")
    .map((c) => c.body);
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

export interface AgentStart {
  task: string;
  backend: string;
  /** unique per start; its work order is kept as prompt-<task>-<id>.md */
  id: string;
  /** whether it started a grandchild (marked `scripted-agent-child <id>` in its argv) */
  child: boolean;
}

/** Every start of scripted-agent.mjs recorded in `dir`, in order. */
export function agentStarts(dir: string): AgentStart[] {
  const file = `${dir}/started.log`;
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as AgentStart);
}

/**
 * A folder a test and its agents both see: agents run in a sandbox where the host's temporary
 * directories are absent, so the app is told to share this one folder (and nothing else of the
 * test's) through ORCHESTRATE_SANDBOX_SHARED — pass `sharedWith(dir)` in the app's env.
 */
export function coordinationDir(): string {
  return mkdtempSync(join(tmpdir(), "orchestrate-agents-"));
}

/** The operator setting that lets every agent read and write `dir`. */
export function sharedWith(dir: string): Record<string, string> {
  return { ORCHESTRATE_SANDBOX_SHARED: dir };
}

export interface HostProcess {
  /** the pid on this machine (an agent's own `process.pid` is its sandbox's) */
  pid: number;
  argv: string[];
}

/**
 * The live processes of this machine whose environment holds every `vars` entry — an agent in
 * its sandbox, the bubblewrap processes around it and whatever it started, since they inherit
 * the agent's environment. Found through /proc, as the agents' own pids are namespace-local.
 */
export function hostProcesses(vars: Record<string, string>): HostProcess[] {
  const wanted = Object.entries(vars).map(([k, v]) => `${k}=${v}`);
  const found: HostProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!wanted.every((w) => env.includes(w)) || !alive(pid)) continue;
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
      found.push({ pid, argv });
    } catch {
      // gone while we looked, or not ours to read
    }
  }
  return found;
}

/** The host processes of the scripted agents sharing `dir` (of one task's, when given). */
export function agentProcesses(dir: string, task?: string): HostProcess[] {
  return hostProcesses({
    SCRIPTED_AGENT_DIR: dir,
    ...(task !== undefined ? { ORCHESTRATE_TASK_ID: task } : {}),
  });
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
  } catch {
    return null;
  }
}

/** Which of `candidates` `pid` descends from (walking /proc's parent links), if any. */
export function ancestorAmong(pid: number, candidates: readonly number[]): number | null {
  for (let p: number | null = pid; p !== null && p > 1; p = parentOf(p)) {
    if (candidates.includes(p)) return p;
  }
  return null;
}

/**
 * The one process of `candidates` (worker or server processes) that runs `task`'s scripted
 * agent in `dir` right now; null while no such agent runs, throws if two of them do.
 */
export function workerRunning(
  dir: string,
  task: string,
  candidates: readonly number[],
): number | null {
  const owners = new Set(
    agentProcesses(dir, task)
      .map((p) => ancestorAmong(p.pid, candidates))
      .filter((p) => p !== null),
  );
  if (owners.size > 1) throw new Error(`${task} runs under several workers: ${[...owners]}`);
  return [...owners][0] ?? null;
}

/**
 * Waits until no process is left on the machine whose environment holds every `vars` entry,
 * except those descending from the still running `survivors`. An agent's sandbox ends with its
 * first process or with the worker that started it (bubblewrap's PID namespace and
 * --die-with-parent), whatever the agent ignores or starts: nothing of it may remain.
 */
export async function processesGone(
  vars: Record<string, string>,
  o: { survivors?: readonly number[]; what?: string } = {},
): Promise<void> {
  const left = () =>
    hostProcesses(vars).filter((p) => ancestorAmong(p.pid, o.survivors ?? []) === null);
  await waitFor(
    o.what ?? `no process with ${JSON.stringify(vars)} to be left`,
    () => left().length === 0,
    {
      explain: () => JSON.stringify(left()),
    },
  );
}

/** processesGone for the scripted agents in `dir` (of one task's, when given). */
export function agentsGone(
  dir: string,
  o: { task?: string; survivors?: readonly number[]; what?: string } = {},
): Promise<void> {
  return processesGone(
    { SCRIPTED_AGENT_DIR: dir, ...(o.task !== undefined ? { ORCHESTRATE_TASK_ID: o.task } : {}) },
    o,
  );
}

/**
 * Lets every held scripted agent in `dir` go. Run before stopping workers: a worker finishes
 * the jobs in hand before it exits, so an agent held forever would keep it from stopping.
 */
export function releaseHolds(dir: string): void {
  for (const file of readdirSync(dir)) if (file.startsWith("hold-")) unlinkSync(`${dir}/${file}`);
}

/** A labelled issue with a task list, sent the way GitHub sends it. */
export async function startRun(
  h: Harness,
  spec: string,
  title = "Orchestrated work",
): Promise<number> {
  const issue = h.sandbox.createIssue(h.repo, { title, body: spec, user: "maintainer-user" });
  const sent = await h.send("issues", "labeled", {
    repo: h.repo,
    sender: "maintainer-user",
    issue: issue.number,
    label: "orchestrate",
  });
  if (sent.status >= 300) throw new Error(`the label webhook was answered ${sent.status}`);
  return issue.number;
}

/** A spec body holding `tasks` as the fenced yaml task list. */
export function specOf(tasks: string[]): string {
  return ["Work for the end-to-end test.", "", "```yaml", "tasks:", ...tasks, "```", ""].join("\n");
}

/** Every regular file below `dir`, following no links. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

/**
 * What a maintainer does to start a run: opens an issue with `body` as its spec and labels it
 * (webhooks delivered to the harness's app); resolves once every job it caused has run.
 */
export async function labelNewIssue(
  h: Harness,
  o: { title: string; body: string; maintainer?: string },
): Promise<number> {
  const maintainer = o.maintainer ?? "maintainer-user";
  h.sandbox.setPermission(h.repo, maintainer, "admin");
  h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
  const issue = h.sandbox.createIssue(h.repo, { title: o.title, body: o.body, user: maintainer });
  await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", maintainer);
  await h.settle();
  return issue.number;
}
