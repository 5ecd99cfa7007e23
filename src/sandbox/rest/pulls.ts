import { fetchForkHead } from "../forks/fetchForkHead.js";
import { findHeadRepo } from "../forks/findHeadRepo.js";
import { pullHeadRepo } from "../forks/pullHeadRepo.js";
import { BareRepo } from "../git/bareRepo.js";
import { runGit } from "../git/runGit.js";
import { pullJson } from "../shapes/pullJson.js";
import { repoUrls } from "../shapes/repoUrls.js";
import { nextId, nodeId, type SandboxPull, type SandboxRepo, type SandboxState } from "../state.js";
import { timestamp } from "../timestamp.js";
import { checkBody } from "./checkBody.js";
import { fullName } from "./issueEvent.js";
import { takeNumber } from "./issues.js";
import { paginate } from "./paginate.js";
import { mergeFields, pullMergeability } from "./pullMergeability.js";
import { pullFiles, pullStats } from "./pullStats.js";
import { intParam, requireRepo } from "./requireRepo.js";
import {
  HttpError,
  json,
  notFound,
  type RouteContext,
  type RouteTable,
  validationFailed,
} from "./routeContext.js";

// Pull requests: create with GitHub's checks (head exists, has commits, no open duplicate),
// list with its filters, get/update, and the file list from `git diff base...head`.

export const pullRoutes: RouteTable = {
  "pulls/create": (ctx) => {
    const repo = requireRepo(ctx);
    return ctx.services.withRepoLock(repo, () => createPullFromRequest(ctx, repo));
  },

  "pulls/list": (ctx) => {
    const repo = requireRepo(ctx);
    const state = ctx.query.get("state") ?? "open";
    const head = ctx.query.get("head");
    const base = ctx.query.get("base");
    let pulls = [...repo.pulls.values()].filter(
      (p) =>
        (state === "all" || p.state === state) &&
        (!head || headMatches(repo, p, head)) &&
        (!base || p.base === base),
    );
    const sort = ctx.query.get("sort") ?? "created";
    const key = (p: SandboxPull) => (sort === "updated" ? p.updatedAt : p.createdAt);
    pulls = pulls.sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
    const direction = ctx.query.get("direction") ?? (sort === "created" ? "desc" : "asc");
    if (direction === "desc") pulls.reverse();
    const { page, headers } = paginate(ctx, pulls);
    return json(
      200,
      page.map((p) => pullJson(ctx.state, repo, p)),
      headers,
    );
  },

  "pulls/get": async (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(repo, ctx);
    const merge = mergeFields(pull, await pullMergeability(repo, pull));
    return json(200, pullJson(ctx.state, repo, pull, { ...(await pullStats(repo, pull)), merge }));
  },

  "pulls/update": async (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(repo, ctx);
    const body = ctx.body as {
      title?: string;
      body?: string;
      state?: "open" | "closed";
      base?: string;
      maintainer_can_modify?: boolean;
    };
    checkBody("PullRequest", body.body ?? "", true);
    const before = { title: pull.title, body: pull.body, state: pull.state };
    const now = timestamp(ctx.state);
    if (body.state === "open" && pull.state === "closed") {
      const headRepo = pullHeadRepo(ctx.state, repo, pull);
      const head = headRepo
        ? await new BareRepo(headRepo.gitDir).resolve(`refs/heads/${pull.head}`)
        : null;
      if (!head) {
        throw validationFailed({
          resource: "PullRequest",
          code: "custom",
          message: "state cannot be changed. The head branch was deleted.",
        });
      }
      pull.headSha = head;
      if (pull.headRepoId !== undefined) await fetchForkHead(ctx.state, repo, pull, head);
    }
    const baseBefore = { ref: pull.base, sha: pull.baseSha };
    if (body.base !== undefined && body.base !== pull.base) await retarget(repo, pull, body.base);
    // Only a fork's PR has the box; GitHub keeps it false for a PR within one repository.
    if (body.maintainer_can_modify !== undefined && pull.headRepoId !== undefined) {
      pull.maintainerCanModify = body.maintainer_can_modify;
    }
    if (body.title !== undefined) pull.title = body.title;
    if (body.body !== undefined) pull.body = body.body;
    if (body.state !== undefined && body.state !== pull.state) {
      if (pull.merged) {
        throw validationFailed({
          resource: "PullRequest",
          code: "custom",
          message: "Cannot reopen a merged pull request",
        });
      }
      pull.state = body.state;
      pull.closedAt = body.state === "closed" ? now : null;
    }
    pull.updatedAt = now;
    const issue = repo.issues.get(pull.number);
    if (issue) {
      issue.title = pull.title;
      issue.body = pull.body;
      issue.state = pull.state;
      issue.closedAt = pull.closedAt ?? null;
      issue.updatedAt = now;
    }
    const changes: Record<string, { from: string }> = {};
    if (pull.title !== before.title) changes["title"] = { from: before.title };
    if (pull.body !== before.body) changes["body"] = { from: before.body };
    if (pull.base !== baseBefore.ref) {
      (changes as Record<string, unknown>)["base"] = {
        ref: { from: baseBefore.ref },
        sha: { from: baseBefore.sha },
      };
    }
    const targets = { repo: fullName(repo), pull: pull.number };
    if (Object.keys(changes).length > 0) ctx.emit("pull_request", "edited", targets, { changes });
    if (pull.state !== before.state) {
      ctx.emit("pull_request", pull.state === "closed" ? "closed" : "reopened", targets);
    }
    return json(200, pullJson(ctx.state, repo, pull, await pullStats(repo, pull)));
  },

  "pulls/list-files": async (ctx) => {
    const repo = requireRepo(ctx);
    const pull = requirePull(repo, ctx);
    const { html, api } = repoUrls(ctx.state, repo);
    const files = await pullFiles(repo, pull);
    const { page, headers } = paginate(ctx, files);
    return json(
      200,
      page.map((f) => ({
        sha: f.sha,
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${html}/blob/${pull.headSha}/${f.filename}`,
        raw_url: `${html}/raw/${pull.headSha}/${f.filename}`,
        contents_url: `${api}/contents/${f.filename}?ref=${pull.headSha}`,
        patch: f.patch,
      })),
      headers,
    );
  },
};

async function createPullFromRequest(ctx: RouteContext, repo: SandboxRepo) {
  const body = ctx.body as {
    title?: string;
    body?: string;
    head: string;
    base: string;
    draft?: boolean;
    issue?: number;
    head_repo?: string;
    maintainer_can_modify?: boolean;
  };
  checkBody("PullRequest", body.body ?? "", true);
  if (body.draft === true && !draftsAllowed(ctx, repo)) {
    throw new HttpError(422, "Draft pull requests are not supported in this repository.");
  }
  const [headOwner, headBranch] = body.head.includes(":")
    ? (body.head.split(":", 2) as [string, string])
    : [repo.owner, body.head];
  // `owner:branch` from a fork in the same network; GitHub says this for a head it cannot find.
  const headRepo = findHeadRepo(ctx.state, repo, headOwner, body.head_repo?.split("/").at(-1));
  if (!headRepo) {
    throw validationFailed({ resource: "PullRequest", field: "head", code: "invalid" });
  }
  const fromFork = headRepo !== repo;
  const issue = body.issue !== undefined ? repo.issues.get(body.issue) : undefined;
  if (body.issue !== undefined && (!issue || issue.isPull)) {
    throw validationFailed({ resource: "PullRequest", field: "issue", code: "invalid" });
  }
  if (body.title === undefined && !issue) {
    throw validationFailed({ resource: "PullRequest", field: "title", code: "missing_field" });
  }
  const git = new BareRepo(repo.gitDir);
  const baseSha = await git.resolve(`refs/heads/${body.base}`);
  if (!baseSha) throw validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
  const headSha = await new BareRepo(headRepo.gitDir).resolve(`refs/heads/${headBranch}`);
  if (!headSha) throw validationFailed({ resource: "PullRequest", field: "head", code: "invalid" });
  const duplicate = [...repo.pulls.values()].find(
    (p) =>
      p.state === "open" &&
      p.head === headBranch &&
      p.base === body.base &&
      (p.headRepoId ?? repo.id) === headRepo.id,
  );
  if (duplicate) {
    throw validationFailed({
      resource: "PullRequest",
      code: "custom",
      message: `A pull request already exists for ${headRepo.owner}:${headBranch}.`,
    });
  }
  // The fork's commits, readable from the base as GitHub's shared storage makes them.
  if (fromFork)
    await runGit(repo.gitDir, ["fetch", "--quiet", "--no-tags", headRepo.gitDir, headSha]);
  if ((await git.commitCount(baseSha, headSha)) === 0) {
    throw validationFailed({
      resource: "PullRequest",
      code: "custom",
      message: `No commits between ${body.base} and ${headBranch}`,
    });
  }
  const pull = createPull(ctx.state, repo, {
    title: body.title ?? issue?.title ?? "",
    body: body.body ?? issue?.body ?? "",
    user: ctx.actor,
    head: headBranch,
    base: body.base,
    headSha,
    baseSha,
    draft: body.draft ?? false,
    issueNumber: issue?.number,
    // GitHub ticks "Allow edits by maintainers" for a fork unless told otherwise.
    ...(fromFork ? { headRepo, maintainerCanModify: body.maintainer_can_modify ?? true } : {}),
  });
  if (fromFork) await fetchForkHead(ctx.state, repo, pull, headSha);
  ctx.emit("pull_request", "opened", { repo: fullName(repo), pull: pull.number });
  const out = pullJson(ctx.state, repo, pull, await pullStats(repo, pull));
  return json(201, out, { location: out.url });
}

/** Records a pull request and the issue GitHub keeps under the same number. */
export function createPull(
  state: SandboxState,
  repo: SandboxRepo,
  o: {
    title: string;
    body: string;
    user: string;
    head: string;
    base: string;
    headSha: string;
    baseSha: string;
    draft: boolean;
    /** convert this existing issue into the pull request */
    issueNumber?: number | undefined;
    /** the fork the head branch lives in (a PR from a fork) */
    headRepo?: SandboxRepo;
    maintainerCanModify?: boolean;
  },
): SandboxPull {
  const now = timestamp(state);
  const number = o.issueNumber ?? takeNumber(repo);
  const id = nextId(state);
  const pull: SandboxPull = {
    number,
    id,
    nodeId: nodeId("PR", id),
    title: o.title,
    body: o.body,
    user: o.user,
    head: o.head,
    base: o.base,
    headSha: o.headSha,
    baseSha: o.baseSha,
    state: "open",
    merged: false,
    draft: o.draft,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    mergedAt: null,
    mergeCommitSha: null,
    mergedBy: null,
    ...(o.headRepo && o.headRepo !== repo
      ? {
          headRepoId: o.headRepo.id,
          headOwner: o.headRepo.owner,
          maintainerCanModify: o.maintainerCanModify ?? true,
        }
      : {}),
  };
  repo.pulls.set(number, pull);
  const existing = repo.issues.get(number);
  if (existing) {
    existing.isPull = true;
    existing.title = pull.title;
    existing.body = pull.body;
    existing.updatedAt = now;
  } else {
    const issueId = nextId(state);
    repo.issues.set(number, {
      number,
      id: issueId,
      nodeId: nodeId("I", issueId),
      title: pull.title,
      body: pull.body,
      user: pull.user,
      state: "open",
      labels: [],
      isPull: true,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      stateReason: null,
    });
  }
  return pull;
}

export function requirePull(repo: SandboxRepo, ctx: RouteContext): SandboxPull {
  const pull = repo.pulls.get(intParam(ctx, "pull_number"));
  if (!pull) throw notFound();
  return pull;
}

/** `head=user:branch`: the head repository's owner (a fork's, for a PR from a fork) and branch. */
function headMatches(repo: SandboxRepo, pull: SandboxPull, head: string): boolean {
  const [owner, branch] = head.includes(":") ? head.split(":", 2) : [head, undefined];
  const headOwner = pull.headRepoId === undefined ? repo.owner : (pull.headOwner ?? "");
  if ((owner ?? "").toLowerCase() !== headOwner.toLowerCase()) return false;
  return branch === undefined || pull.head === branch;
}

/**
 * Drafts are available in public repositories, and in private ones on GitHub Team and
 * Enterprise plans; Free and Pro accounts' private repositories get a 422.
 */
function draftsAllowed(ctx: RouteContext, repo: SandboxRepo): boolean {
  if (!repo.private) return true;
  const plan = ctx.state.plans.get(repo.owner) ?? "free";
  return plan === "team" || plan === "enterprise";
}

/**
 * Moves an open PR onto another base branch with GitHub's checks: the PR must be open, the
 * branch must exist, and it cannot be the PR's own head branch.
 */
async function retarget(repo: SandboxRepo, pull: SandboxPull, base: string): Promise<void> {
  if (pull.state !== "open") {
    throw validationFailed({
      resource: "PullRequest",
      field: "base",
      code: "custom",
      message: "Cannot change the base branch of a closed pull request.",
    });
  }
  const baseSha = await new BareRepo(repo.gitDir).resolve(`refs/heads/${base}`);
  if (!baseSha) throw validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
  if (pull.headRepoId === undefined && base === pull.head) {
    throw validationFailed({
      resource: "PullRequest",
      field: "base",
      code: "custom",
      message: `The base branch cannot be the head branch: ${base}.`,
    });
  }
  pull.base = base;
  pull.baseSha = baseSha;
}
