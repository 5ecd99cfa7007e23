import { type Octokit, Octokit as OctokitRest } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restRoutes } from "../../src/sandbox/rest/restRoutes.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { appOctokit, installationOctokit } from "./sandboxClient.js";

// Every route the sandbox implements answers once with success here, and each answer is checked
// at run time against GitHub's documented response schema: a shape that drifts from GitHub's
// shows up as a fidelity failure.

let sandbox: Sandbox;
let octokit: Octokit;
const repo = { owner: "acme", repo: "tour" };

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  const created = await sandbox.createRepo({
    owner: "acme",
    name: "tour",
    files: { "a.txt": "a\n" },
  });
  octokit = installationOctokit(sandbox, created.installationId);
});
afterAll(() => sandbox.close());

describe("every implemented REST route", () => {
  it("answers with GitHub's documented shape", async () => {
    const app = appOctokit(sandbox);
    const installationId = sandbox.state.repos.get("acme/tour")!.installationId;
    await app.rest.apps.getAuthenticated();
    await app.rest.apps.listInstallations();
    await app.rest.apps.getInstallation({ installation_id: installationId });
    await app.rest.apps.getUserInstallation({ username: "acme" });
    await app.rest.apps.getRepoInstallation(repo);
    await octokit.rest.apps.listReposAccessibleToInstallation();
    await octokit.rest.rateLimit.get();
    await octokit.rest.users.getByUsername({ username: "acme" });

    await octokit.rest.repos.get(repo);
    await octokit.rest.repos.getContent({ ...repo, path: "a.txt" });
    await octokit.rest.repos.listBranches(repo);
    await octokit.rest.repos.getBranch({ ...repo, branch: "main" });
    sandbox.addUser("bob");
    await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "bob" });

    const { data: issue } = await octokit.rest.issues.create({ ...repo, title: "Tour", body: "b" });
    await octokit.rest.issues.get({ ...repo, issue_number: issue.number });
    await octokit.rest.issues.update({ ...repo, issue_number: issue.number, body: "b2" });
    await octokit.rest.issues.listForRepo({ ...repo, state: "all" });
    const { data: comment } = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "c",
    });
    await octokit.rest.issues.getComment({ ...repo, comment_id: comment.id });
    await octokit.rest.issues.updateComment({ ...repo, comment_id: comment.id, body: "c2" });
    await octokit.rest.issues.listComments({ ...repo, issue_number: issue.number });
    await octokit.rest.reactions.createForIssue({
      ...repo,
      issue_number: issue.number,
      content: "rocket",
    });
    await octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "heart",
    });
    await octokit.rest.issues.deleteComment({ ...repo, comment_id: comment.id });
    await octokit.rest.issues.createLabel({ ...repo, name: "tour" });
    await octokit.rest.issues.getLabel({ ...repo, name: "tour" });
    await octokit.rest.issues.addLabels({ ...repo, issue_number: issue.number, labels: ["tour"] });
    await octokit.rest.issues.listLabelsOnIssue({ ...repo, issue_number: issue.number });
    await octokit.rest.issues.removeLabel({ ...repo, issue_number: issue.number, name: "tour" });

    const main = (await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/side", sha: main });
    const head = await sandbox.commit("acme/tour", {
      branch: "side",
      files: { "a.txt": "a\nb\n" },
      message: "b",
    });
    await octokit.rest.git.updateRef({ ...repo, ref: "heads/side", sha: head });
    await octokit.rest.git.listMatchingRefs({ ...repo, ref: "heads/" });

    const { data: pull } = await octokit.rest.pulls.create({
      ...repo,
      title: "Side",
      head: "side",
      base: "main",
    });
    await octokit.rest.pulls.get({ ...repo, pull_number: pull.number });
    await octokit.rest.pulls.list(repo);
    await octokit.rest.pulls.listFiles({ ...repo, pull_number: pull.number });
    await octokit.rest.pulls.update({ ...repo, pull_number: pull.number, body: "more" });
    await sandbox.commit("acme/tour", { branch: "main", files: { "m.txt": "m\n" }, message: "m" });
    await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: "main...side" });
    await octokit.rest.pulls.updateBranch({ ...repo, pull_number: pull.number });
    const { comments } = await sandbox
      .postReview("acme/tour", pull.number, {
        user: "bob",
        comments: [{ path: "a.txt", line: 2, body: "b?" }],
      })
      .then((r) => ({
        comments: sandbox.state.repos.get("acme/tour")!.threads.get(r.threads[0]!.id)!.commentIds,
      }));
    await octokit.rest.pulls.listReviewComments({ ...repo, pull_number: pull.number });
    await octokit.rest.pulls.listReviewCommentsForRepo(repo);
    await octokit.rest.pulls.getReviewComment({ ...repo, comment_id: comments[0]! });
    await octokit.rest.pulls.updateReviewComment({
      ...repo,
      comment_id: comments[0]!,
      body: "b??",
    });
    await octokit.rest.pulls.createReplyForReviewComment({
      ...repo,
      pull_number: pull.number,
      comment_id: comments[0]!,
      body: "because",
    });
    await octokit.rest.pulls.listReviews({ ...repo, pull_number: pull.number });
    await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/side2", sha: main });
    const second = await sandbox.commit("acme/tour", {
      branch: "side2",
      files: { "c.txt": "c\n" },
      message: "c",
    });
    const { data: merging } = await octokit.rest.pulls.create({
      ...repo,
      title: "Side 2",
      head: "side2",
      base: "main",
    });
    await octokit.rest.pulls.merge({ ...repo, pull_number: merging.number, sha: second });

    const { data: run } = await octokit.rest.checks.create({
      ...repo,
      name: "tour",
      head_sha: head,
    });
    await octokit.rest.checks.update({ ...repo, check_run_id: run.id, status: "in_progress" });
    await octokit.rest.checks.get({ ...repo, check_run_id: run.id });
    await octokit.rest.checks.listForRef({ ...repo, ref: head });

    // GitHub Actions: a job of the sandbox's CI, its log (a 302 to its download) and a re-run.
    await sandbox.setCi("acme/tour", { name: "ci", command: "true" });
    const ciHead = await sandbox.commit("acme/tour", {
      branch: "ci",
      files: { "ci.txt": "ci\n" },
      message: "ci",
    });
    await sandbox.ciSettled();
    const [job] = (await octokit.rest.checks.listForRef({ ...repo, ref: ciHead })).data.check_runs;
    const runId = Number(/runs\/(\d+)\//.exec(job?.details_url ?? "")?.[1]);
    await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: runId });
    await octokit.rest.actions.getJobForWorkflowRun({ ...repo, job_id: job?.id ?? 0 });
    await octokit.rest.actions.downloadJobLogsForWorkflowRun({ ...repo, job_id: job?.id ?? 0 });
    await octokit.rest.actions.reRunJobForWorkflowRun({ ...repo, job_id: job?.id ?? 0 });
    await sandbox.ciSettled();
    await octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: ciHead });
    await octokit.rest.repos.getBranchRules({ ...repo, branch: "main" });
    // Writing a status takes `statuses: write`, more than the App asks for.
    const granted = sandbox.state.installations.get(installationId)?.permissions;
    sandbox.setInstallationPermissions("acme/tour", {
      ...(granted ?? { contents: "write", checks: "write", metadata: "read" }),
      statuses: "write",
    });
    await installationOctokit(sandbox, installationId).rest.repos.createCommitStatus({
      ...repo,
      sha: ciHead,
      state: "success",
    });

    await octokit.rest.pulls.update({ ...repo, pull_number: pull.number, state: "closed" });
    await octokit.rest.git.deleteRef({ ...repo, ref: "heads/side" });
    await octokit.rest.users.getByUsername({ username: `${sandbox.state.appSlug}[bot]` });
    // A narrowed token, minted and revoked the way workers do for each git command.
    const { data: narrowed } = await app.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repositories: ["tour"],
      permissions: { contents: "read" },
    });
    expect(narrowed).toMatchObject({
      repository_selection: "selected",
      permissions: { contents: "read", metadata: "read" },
    });
    const own = new OctokitRest({ auth: narrowed.token, baseUrl: sandbox.url });
    await expect(own.rest.issues.listForRepo(repo)).rejects.toMatchObject({ status: 403 });
    await own.rest.apps.revokeInstallationAccessToken();
    await expect(own.rest.repos.get(repo)).rejects.toMatchObject({ status: 401 });

    sandbox.assertFidelity();
    const answered = new Set(
      sandbox.state.requests
        // a log download answers 302 to where the log is
        .filter((r) => r.status >= 200 && r.status < 303)
        .map((r) => r.operation),
    );
    expect(Object.keys(restRoutes).filter((id) => !answered.has(id))).toEqual([]);
  });
});
