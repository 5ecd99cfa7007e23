import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, createReadStream, openSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { BareRepo } from "../git/bareRepo.js";
import { gitEnv } from "../git/runGit.js";
import { HttpError } from "../rest/routeContext.js";
import { repoUrls } from "../shapes/repoUrls.js";
import {
  nextId,
  nodeId,
  type SandboxRepo,
  type SandboxState,
  type SandboxWorkflowRun,
} from "../state.js";
import { timestamp } from "../timestamp.js";
import { ACTIONS_SLUG } from "./actionsAppJson.js";
import { actionsOf } from "./actionsOf.js";
import { ciCompletedEvents } from "./ciEvents.js";

/** How long a log download URL works: GitHub's expire after a minute. */
const DOWNLOAD_MS = 60_000;
export const JOB_LOG_PATH = "/_sandbox/actions-job-logs/";

/**
 * The sandbox's GitHub Actions: a repository given a CI command gets, on every push of a branch
 * head, a workflow run with one job that really runs the command on a checkout of that commit.
 * The job is a check run of the `github-actions` app (same id, as on GitHub) that completes
 * with the command's exit status; its log is what the command printed; the check_run,
 * check_suite and workflow_run webhooks go out when it ends. A re-run is a new attempt with a
 * new job, its command told `GITHUB_RUN_ATTEMPT`.
 */
export interface ActionsRunner {
  /** branch heads moved: CI runs on each head of `repo` it has not run on yet */
  refsMoved(repo: SandboxRepo): Promise<void>;
  /** a new attempt of the workflow run whose job `jobId` is (403 while it still runs) */
  rerunJob(repo: SandboxRepo, jobId: number): void;
  /** a short-lived URL the job's log downloads from, or null when it has none (yet) */
  logDownloadUrl(repo: SandboxRepo, jobId: number): string | null;
  /** answers a request for a download URL's path (a `Range: bytes=-N` gets the last N bytes) */
  serveLog(path: string, range: string | undefined, res: ServerResponse): Promise<void>;
  /** waits for every running job; `close` also stops them */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function createActionsRunner(o: {
  state: SandboxState;
  dataDir: string;
  deliver(event: string, payload: Record<string, unknown>): void;
}): ActionsRunner {
  const { state } = o;
  const running = new Set<Promise<void>>();
  const children = new Set<ChildProcess>();
  const downloads = new Map<string, { path: string; expiresAt: number }>();

  const findRun = (repo: SandboxRepo, jobId: number) =>
    [...actionsOf(repo).runs.values()].find((r) => r.jobIds.includes(jobId));

  function startJob(repo: SandboxRepo, run: SandboxWorkflowRun): void {
    const ci = actionsOf(repo).ci;
    if (!ci) return;
    const id = nextId(state);
    const now = timestamp(state);
    const { html } = repoUrls(state, repo);
    repo.checkRuns.set(id, {
      id,
      nodeId: nodeId("CR", id),
      name: ci.name,
      headSha: run.headSha,
      status: "in_progress",
      conclusion: null,
      output: null,
      externalId: null,
      detailsUrl: `${html}/actions/runs/${run.id}/job/${id}`,
      startedAt: now,
      completedAt: null,
      history: [{ status: "in_progress", conclusion: null }],
      app: ACTIONS_SLUG,
      suiteId: run.suiteId,
    });
    run.jobIds.push(id);
    run.status = "in_progress";
    run.conclusion = null;
    run.updatedAt = now;
    const job = execute(repo, run, id, ci.command, ci.webhooks !== false).finally(() =>
      running.delete(job),
    );
    running.add(job);
  }

  async function execute(
    repo: SandboxRepo,
    run: SandboxWorkflowRun,
    jobId: number,
    command: string,
    webhooks: boolean,
  ): Promise<void> {
    const logs = join(o.dataDir, "actions-logs");
    await mkdir(logs, { recursive: true });
    const logPath = join(logs, `${jobId}.log`);
    const dir = await mkdtemp(join(o.dataDir, "actions-job-"));
    let code: number;
    try {
      await checkout(repo.gitDir, run.headSha, dir);
      code = await runCommand(command, dir, logPath, {
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_SHA: run.headSha,
        GITHUB_REF_NAME: run.headBranch,
        GITHUB_RUN_ID: String(run.id),
        GITHUB_RUN_ATTEMPT: String(run.jobIds.indexOf(jobId) + 1),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const check = repo.checkRuns.get(jobId);
    if (!check) return;
    const conclusion = code === 0 ? "success" : "failure";
    const now = timestamp(state);
    check.status = "completed";
    check.conclusion = conclusion;
    check.completedAt = now;
    check.output =
      code === 0
        ? { title: `${check.name} passed`, summary: "The job succeeded." }
        : { title: `${check.name} failed`, summary: `Process completed with exit code ${code}.` };
    check.history.push({ status: "completed", conclusion });
    actionsOf(repo).logs.set(jobId, logPath);
    // Only the latest attempt's job decides the run.
    if (run.jobIds.at(-1) === jobId) {
      run.status = "completed";
      run.conclusion = conclusion;
      run.updatedAt = now;
    }
    if (!webhooks) return;
    for (const e of ciCompletedEvents(state, repo, run, jobId, repo.owner)) {
      o.deliver(e.event, e.payload);
    }
  }

  function checkout(gitDir: string, sha: string, dir: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        "sh",
        ["-c", 'git --git-dir "$GIT_DIR_IN" archive "$SHA" | tar -x -C "$OUT"'],
        { env: gitEnv({ GIT_DIR_IN: gitDir, SHA: sha, OUT: dir }), stdio: "ignore" },
      );
      child.on("error", reject);
      child.on("close", (c) =>
        c === 0 ? resolve() : reject(new Error(`checkout of ${sha} failed (${c})`)),
      );
    });
  }

  function runCommand(
    command: string,
    cwd: string,
    logPath: string,
    env: Record<string, string>,
  ): Promise<number> {
    const fd = openSync(logPath, "w");
    return new Promise<number>((resolve) => {
      const child = spawn("sh", ["-c", command], {
        cwd,
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: cwd, ...env },
        stdio: ["ignore", fd, fd],
        // its own process group: closing the sandbox ends the command and all it started
        detached: true,
      });
      children.add(child);
      child.on("error", () => resolve(127));
      child.on("close", (c, signal) => {
        children.delete(child);
        resolve(c ?? (signal ? 143 : 1));
      });
    }).finally(() => closeSync(fd));
  }

  return {
    async refsMoved(repo) {
      const actions = actionsOf(repo);
      if (!actions.ci) return;
      for (const branch of await new BareRepo(repo.gitDir).branches()) {
        if (branch.name === repo.defaultBranch || actions.seen.get(branch.name) === branch.sha) {
          continue;
        }
        actions.seen.set(branch.name, branch.sha);
        const now = timestamp(state);
        const run: SandboxWorkflowRun = {
          id: nextId(state),
          name: actions.ci.name,
          headSha: branch.sha,
          headBranch: branch.name,
          status: "queued",
          conclusion: null,
          suiteId: nextId(state),
          jobIds: [],
          createdAt: now,
          updatedAt: now,
        };
        actions.runs.set(run.id, run);
        startJob(repo, run);
      }
    },

    rerunJob(repo, jobId) {
      const run = findRun(repo, jobId);
      if (!run) throw new HttpError(404, "Not Found");
      if (run.status !== "completed") {
        throw new HttpError(
          403,
          "This workflow run is not complete yet, so its jobs cannot be re-run.",
        );
      }
      startJob(repo, run);
    },

    logDownloadUrl(repo, jobId) {
      const path = actionsOf(repo).logs.get(jobId);
      if (!path) return null;
      const token = randomBytes(16).toString("hex");
      downloads.set(token, { path, expiresAt: Date.now() + DOWNLOAD_MS });
      return `${state.baseUrl}${JOB_LOG_PATH}${token}`;
    },

    async serveLog(path, range, res) {
      const token = path.slice(JOB_LOG_PATH.length);
      const download = downloads.get(token);
      if (!download || download.expiresAt < Date.now()) {
        res.writeHead(403, { "content-type": "application/xml" });
        res.end("<Error><Code>AuthenticationFailed</Code></Error>");
        return;
      }
      const size = (await stat(download.path)).size;
      // Blob storage serves byte ranges; a suffix range is what a client wanting the end asks.
      const suffix = /^bytes=-(\d+)$/.exec(range ?? "");
      if (suffix && size > 0) {
        const start = Math.max(0, size - Number(suffix[1]));
        res.writeHead(206, {
          "content-type": "text/plain",
          "content-length": String(size - start),
          "content-range": `bytes ${start}-${size - 1}/${size}`,
        });
        createReadStream(download.path, { start }).pipe(res);
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(size) });
      createReadStream(download.path).pipe(res);
    },

    async settled() {
      while (running.size > 0) await Promise.all([...running]);
    },

    async close() {
      for (const child of children) {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await Promise.allSettled([...running]);
    },
  };
}
