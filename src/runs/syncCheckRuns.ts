import type { CheckRunInput, GitHubPort } from "../github/githubPort.js";
import { fitLines } from "./fitLines.js";
import type { GroupRecord, RunSnapshot } from "./run.js";
import type { RunStore } from "./runStore.js";

export const CHECK_NAME = "orchestrate";

/** GitHub's documented maxLength of a check run's output.summary. */
export const SUMMARY_LIMIT = 65_535;

/**
 * Keeps an `orchestrate` check run on each group PR's head in step with the run: in progress
 * while its tasks (or review threads) are open, success when all are done, failure naming the
 * task that failed. Writes only when what it would say changed.
 */
export async function syncCheckRuns(
  snapshot: RunSnapshot,
  deps: { store: RunStore; github: GitHubPort; issueUrl: string },
): Promise<void> {
  const { run } = snapshot;
  const repo = { owner: run.owner, repo: run.repo };
  for (const group of run.groups) {
    if (group.pull === null) continue;
    const check = checkFor(snapshot, group, deps.issueUrl);
    const said = JSON.stringify(check);
    const current = group.checkRun;
    // Nothing to say that the check run does not say: no need to ask GitHub for the PR's head
    // either (every publish would cost a read per group). A push of Orchestrate's own changes
    // what the check says; one by a person gets the check with the run's next change.
    if (current && current.said === said) continue;
    const pull = await deps.github.findPull(repo, group.branch, group.headRepo?.owner);
    if (!pull || pull.number !== group.pull || pull.state !== "open") continue;
    let id: number;
    if (current && current.headSha === pull.headSha) {
      await deps.github.updateCheckRun(repo, current.id, check);
      id = current.id;
    } else {
      // Check runs belong to a commit: a new head gets a new one.
      id = await deps.github.createCheckRun(repo, { ...check, headSha: pull.headSha });
    }
    await deps.store.updateRun(run.key, (r) => ({
      ...r,
      groups: r.groups.map((g) =>
        g.name === group.name ? { ...g, checkRun: { id, headSha: pull.headSha, said } } : g,
      ),
    }));
  }
}

function checkFor(snapshot: RunSnapshot, group: GroupRecord, issueUrl: string): CheckRunInput {
  const tasks = snapshot.tasks.filter((t) => t.group === group.name);
  const done = tasks.filter((t) => t.status === "complete").length;
  const failed = tasks.filter((t) => t.status === "failed");
  const base = { name: CHECK_NAME, detailsUrl: issueUrl, externalId: snapshot.run.key };
  const open = group.threads?.open ?? 0;
  if (failed.length > 0) {
    return {
      ...base,
      status: "completed",
      conclusion: "failure",
      title: `${failed.length} of ${tasks.length} tasks failed`,
      summary: fitLines(
        failed.map(
          (t) =>
            `- \`${t.id}\` ${t.title}: ${(t.report ?? "failed").split("\n")[0]?.slice(0, 300)}`,
        ),
        SUMMARY_LIMIT,
        (left) =>
          `_…and ${left} more failed tasks, left out to fit GitHub's limit on a check run's summary; the issue's status comment lists every one._`,
      ),
    };
  }
  if (snapshot.run.state === "stopped") {
    return {
      ...base,
      status: "completed",
      conclusion: "cancelled",
      title: "The run was stopped",
      summary: snapshot.run.reason ?? "stopped",
    };
  }
  if (done === tasks.length && open === 0) {
    return {
      ...base,
      status: "completed",
      conclusion: "success",
      title: `All ${tasks.length} tasks complete`,
      summary: `Every task of the **${group.name}** group is complete${group.threads ? " and every review thread it follows is resolved" : ""}.`,
    };
  }
  return {
    ...base,
    status: "in_progress",
    title: `${done} of ${tasks.length} tasks complete${open ? `, ${open} review threads open` : ""}`,
    summary: `Orchestrate is working on the **${group.name}** group.`,
  };
}
