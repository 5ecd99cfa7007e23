import { ACTIONS_SLUG, actionsAppJson } from "../actions/actionsAppJson.js";
import { nodeId, type SandboxCheckRun, type SandboxRepo, type SandboxState } from "../state.js";
import { appJson } from "./appJson.js";
import { repoUrls } from "./repoUrls.js";

/** GitHub's `check-run` object. */
export function checkRunJson(state: SandboxState, repo: SandboxRepo, run: SandboxCheckRun) {
  const { api, html } = repoUrls(state, repo);
  const url = `${api}/check-runs/${run.id}`;
  const pulls = [...repo.pulls.values()].filter(
    (p) => p.state === "open" && p.headSha === run.headSha,
  );
  return {
    id: run.id,
    node_id: run.nodeId ?? nodeId("CR", run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url,
    html_url: `${html}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output?.title ?? null,
      summary: run.output?.summary ?? null,
      text: run.output?.text ?? null,
      annotations_count: 0,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    // one suite per head commit, as GitHub creates for an app's first run on a commit
    check_suite: { id: run.suiteId ?? suiteId(run.headSha) },
    app: run.app === ACTIONS_SLUG ? actionsAppJson(state) : appJson(state),
    pull_requests: pulls.map((p) => ({
      id: p.id,
      number: p.number,
      url: `${api}/pulls/${p.number}`,
      head: { ref: p.head, sha: p.headSha, repo: { id: repo.id, url: api, name: repo.name } },
      base: { ref: p.base, sha: p.baseSha ?? "", repo: { id: repo.id, url: api, name: repo.name } },
    })),
  };
}

function suiteId(sha: string): number {
  return Number.parseInt(sha.slice(0, 8) || "0", 16);
}
