import { grantAllows } from "../auth.js";
import type { SandboxRepo, SandboxState, TokenGrant } from "../state.js";

export interface MaintainerPush {
  /** branches of the fork the token may push: head branches of PRs that allow maintainer edits */
  branches: Set<string>;
  /** the token may also push `.github/workflows/` there: it holds `workflows` on such a base */
  workflows: boolean;
}

/**
 * What an installation token may push to a fork its installation does not cover, as GitHub
 * allows it ("Allowing changes to a pull request branch created from a fork"): people — and
 * Apps — with push access to the upstream repository may commit to a PR's head branch in the
 * fork while the PR is open and its author left "Allow edits by maintainers" ticked
 * (`maintainer_can_modify`). Nothing else of the fork: no other branch, no new branch.
 */
export function maintainerPushBranches(
  state: SandboxState,
  installationId: number,
  grant: TokenGrant,
  fork: SandboxRepo,
): MaintainerPush {
  const out: MaintainerPush = { branches: new Set(), workflows: false };
  for (const base of state.repos.values()) {
    if (base.installationId !== installationId || base.id === fork.id) continue;
    if (grantAllows(grant, base.id, "contents", "write") !== "ok") continue;
    for (const pull of base.pulls.values()) {
      if (pull.headRepoId !== fork.id || pull.state !== "open" || !pull.maintainerCanModify) {
        continue;
      }
      out.branches.add(pull.head);
      if (grantAllows(grant, base.id, "workflows", "write") === "ok") out.workflows = true;
    }
  }
  return out;
}
