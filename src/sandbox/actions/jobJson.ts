import { repoUrls } from "../shapes/repoUrls.js";
import { nodeId, type SandboxRepo, type SandboxState, type SandboxWorkflowRun } from "../state.js";

/** GitHub's `job` object: the job of one attempt of a workflow run, its id its check run's. */
export function jobJson(
  state: SandboxState,
  repo: SandboxRepo,
  run: SandboxWorkflowRun,
  jobId: number,
) {
  const { api, html } = repoUrls(state, repo);
  const check = repo.checkRuns.get(jobId);
  const status = check?.status ?? "queued";
  const conclusion = check?.conclusion ?? null;
  const attempt = run.jobIds.indexOf(jobId) + 1;
  return {
    id: jobId,
    run_id: run.id,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: attempt,
    node_id: nodeId("CR", jobId),
    head_sha: run.headSha,
    url: `${api}/actions/jobs/${jobId}`,
    html_url: `${html}/actions/runs/${run.id}/job/${jobId}`,
    status,
    conclusion,
    created_at: check?.startedAt ?? run.createdAt,
    started_at: check?.startedAt ?? run.createdAt,
    completed_at: check?.completedAt ?? null,
    name: run.name,
    steps: [
      {
        name: "Run the CI command",
        status,
        conclusion,
        number: 1,
        started_at: check?.startedAt ?? null,
        completed_at: check?.completedAt ?? null,
      },
    ],
    check_run_url: `${api}/check-runs/${jobId}`,
    labels: ["ubuntu-latest"],
    runner_id: 1,
    runner_name: "GitHub Actions 1",
    runner_group_id: 0,
    runner_group_name: "GitHub Actions",
    workflow_name: run.name,
    head_branch: run.headBranch,
  };
}
