import { fullName } from "../rest/issueEvent.js";
import { checkRunJson } from "../shapes/checkRunJson.js";
import { repoUrls } from "../shapes/repoUrls.js";
import type { SandboxRepo, SandboxState, SandboxWorkflowRun } from "../state.js";
import { buildEvent } from "../webhookDriver.js";
import { actionsAppJson } from "./actionsAppJson.js";
import { pullRefsJson } from "./pullRefsJson.js";

// The webhooks GitHub sends when a GitHub Actions job ends: check_run.completed,
// check_suite.completed and workflow_run.completed, each the published example pointed at the
// sandbox's objects.

type Payload = Record<string, unknown>;

export function ciCompletedEvents(
  state: SandboxState,
  repo: SandboxRepo,
  run: SandboxWorkflowRun,
  jobId: number,
  sender: string,
): Array<{ event: string; payload: Payload }> {
  const check = repo.checkRuns.get(jobId);
  if (!check) return [];
  const { api, html } = repoUrls(state, repo);
  const full = fullName(repo);
  const base = (event: string) => buildEvent({ state }, event, "completed", { repo: full, sender });
  const pulls = pullRefsJson(state, repo, run.headSha);
  const checkRun = base("check_run");
  checkRun["check_run"] = {
    ...(checkRun["check_run"] as Payload),
    ...checkRunJson(state, repo, check),
  };
  const suite = base("check_suite");
  suite["check_suite"] = {
    ...(suite["check_suite"] as Payload),
    id: run.suiteId,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    status: "completed",
    conclusion: run.conclusion,
    url: `${api}/check-suites/${run.suiteId}`,
    pull_requests: pulls,
    app: actionsAppJson(state),
    latest_check_runs_count: 1,
    check_runs_url: `${api}/check-suites/${run.suiteId}/check-runs`,
  };
  const workflow = base("workflow_run");
  workflow["workflow_run"] = {
    ...(workflow["workflow_run"] as Payload),
    id: run.id,
    name: run.name,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    status: "completed",
    conclusion: run.conclusion,
    run_attempt: run.jobIds.length,
    check_suite_id: run.suiteId,
    url: `${api}/actions/runs/${run.id}`,
    html_url: `${html}/actions/runs/${run.id}`,
    jobs_url: `${api}/actions/runs/${run.id}/jobs`,
    logs_url: `${api}/actions/runs/${run.id}/logs`,
    pull_requests: pulls,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
  };
  return [
    { event: "check_run", payload: checkRun },
    { event: "check_suite", payload: suite },
    { event: "workflow_run", payload: workflow },
  ];
}
