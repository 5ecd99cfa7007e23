import { join } from "node:path";
import { ensureUser } from "../createState.js";
import { emptyRepoContents } from "../emptyRepoContents.js";
import { BareRepo } from "../git/bareRepo.js";
import { runGit } from "../git/runGit.js";
import { findRepo } from "../rest/requireRepo.js";
import { nextId, nodeId, type SandboxRepo, type SandboxState } from "../state.js";
import { timestamp } from "../timestamp.js";

/**
 * A fork as GitHub makes one: a repository of its own, owned by the user who forked, with
 * every branch of the parent (history shared) and nothing else — no issues, pulls or labels.
 * Unless `installationId` says otherwise, the fork's owner has not installed the App, so none
 * of the App's installations covers it.
 */
export async function forkRepo(
  state: SandboxState,
  projectRoot: string,
  parent: SandboxRepo,
  o: { owner: string; name?: string; installationId?: number },
): Promise<SandboxRepo> {
  const name = o.name ?? parent.name;
  if (findRepo(state.repos, o.owner, name)) throw new Error(`${o.owner}/${name} already exists`);
  ensureUser(state, o.owner);
  const gitDir = join(projectRoot, o.owner, `${name}.git`);
  await BareRepo.create(gitDir, parent.defaultBranch);
  await runGit(gitDir, [
    "fetch",
    "--quiet",
    "--no-tags",
    parent.gitDir,
    "+refs/heads/*:refs/heads/*",
  ]);
  const id = nextId(state);
  const now = timestamp(state);
  const fork: SandboxRepo = {
    id,
    nodeId: nodeId("R", id),
    owner: o.owner,
    name,
    defaultBranch: parent.defaultBranch,
    gitDir,
    // GitHub's forks of a private repository are private too.
    private: parent.private,
    // by default an id no installation has: the fork's owner never installed the App
    installationId: o.installationId ?? nextId(state),
    collaborators: new Map([[o.owner, "admin"]]),
    ...emptyRepoContents(),
    createdAt: now,
    pushedAt: now,
    forkOf: parent.id,
  };
  state.repos.set(`${o.owner}/${name}`, fork);
  return fork;
}
