import type { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationOctokit, installationToken } from "./sandboxClient.js";

// GitHub Actions, commit statuses and branch rules as the sandbox serves them: a CI that really
// runs, a job log behind a 302, re-runs, the combined status, and the permissions they need.

let sandbox: Sandbox;
let octokit: Octokit;
let installationId: number;
const repo = { owner: "acme", repo: "ci" };
const full = "acme/ci";
// Fails on its first attempt, passes when re-run; says so in its log.
const CHECK = `node -e 'const a = process.env.GITHUB_RUN_ATTEMPT; console.log("attempt " + a); if (a === "1") { console.error("flaky: boom"); process.exit(1) }'`;

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  installationId = (await sandbox.createRepo({ ...repo, name: "ci" })).installationId;
  octokit = installationOctokit(sandbox, installationId);
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

describe("sandbox GitHub Actions", () => {
  it("runs CI on a pushed head, serves its log through a 302 and re-runs the failed job", async () => {
    await sandbox.setCi(full, { name: "test", command: CHECK });
    const sha = await sandbox.commit(full, {
      branch: "topic",
      files: { "a.txt": "a\n" },
      message: "a",
    });
    const pending = await octokit.rest.checks.listForRef({ ...repo, ref: sha });
    expect(pending.data.check_runs.map((r) => [r.name, r.status, r.app?.slug])).toEqual([
      ["test", "in_progress", "github-actions"],
    ]);
    await sandbox.ciSettled();
    const [failed] = (await octokit.rest.checks.listForRef({ ...repo, ref: sha })).data.check_runs;
    expect(failed?.conclusion).toBe("failure");
    expect(failed?.output.summary).toBe("Process completed with exit code 1.");

    // The log: a 302 to a download URL that needs no token and expires.
    const token = await installationToken(sandbox, installationId);
    const answer = await fetch(`${sandbox.url}/repos/${full}/actions/jobs/${failed?.id}/logs`, {
      headers: { authorization: `token ${token}` },
      redirect: "manual",
    });
    expect(answer.status).toBe(302);
    const location = answer.headers.get("location") ?? "";
    const log = await (await fetch(location)).text();
    expect(log).toContain("attempt 1");
    expect(log).toContain("flaky: boom");
    expect((await fetch(`${location}x`)).status).toBe(403);

    await octokit.rest.actions.reRunJobForWorkflowRun({ ...repo, job_id: failed?.id ?? 0 });
    // A run still going cannot be re-run.
    await expect(
      octokit.rest.actions.reRunJobForWorkflowRun({ ...repo, job_id: failed?.id ?? 0 }),
    ).rejects.toMatchObject({ status: 403 });
    await sandbox.ciSettled();
    const latest = (await octokit.rest.checks.listForRef({ ...repo, ref: sha })).data.check_runs;
    expect(latest.map((r) => r.conclusion)).toEqual(["success"]);
    const runId = Number(/runs\/(\d+)\//.exec(latest[0]?.details_url ?? "")?.[1]);
    const jobs = await octokit.rest.actions.listJobsForWorkflowRun({
      ...repo,
      run_id: runId,
      filter: "all",
    });
    expect(jobs.data.jobs.map((j) => [j.run_attempt, j.conclusion])).toEqual([
      [1, "failure"],
      [2, "success"],
    ]);
  });

  it("combines commit statuses by context, latest first, and reads a branch's required checks", async () => {
    const sha = await sandbox.commit(full, {
      branch: "statuses",
      files: { "b.txt": "b\n" },
      message: "b",
    });
    expect(
      (await octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha })).data.state,
    ).toBe("pending");
    await sandbox.postStatus(full, sha, { state: "failure", context: "ci/lint", user: "lint-bot" });
    await sandbox.postStatus(full, sha, { state: "success", context: "CI/Lint", user: "lint-bot" });
    const combined = (await octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha })).data;
    expect(combined.state).toBe("success");
    expect(combined.statuses.map((s) => [s.context, s.state])).toEqual([["CI/Lint", "success"]]);
    // The App reads statuses (`statuses: read`); writing one needs write.
    await expect(
      octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "success" }),
    ).rejects.toMatchObject({ status: 403 });

    sandbox.setRequiredChecks(full, "main", ["ci/required"]);
    const rules = (await octokit.rest.repos.getBranchRules({ ...repo, branch: "main" })).data;
    expect(rules).toMatchObject([
      {
        type: "required_status_checks",
        parameters: { required_status_checks: [{ context: "ci/required" }] },
      },
    ]);
  });

  it("refuses Actions and statuses to an installation that has not granted them", async () => {
    sandbox.setInstallationPermissions(full, {
      contents: "write",
      checks: "write",
      metadata: "read",
    });
    const narrow = installationOctokit(sandbox, installationId);
    await expect(
      narrow.rest.actions.downloadJobLogsForWorkflowRun({ ...repo, job_id: 1 }),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
    await expect(
      narrow.rest.repos.getCombinedStatusForRef({ ...repo, ref: "main" }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
