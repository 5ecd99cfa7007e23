import type { GraphQLResolveInfo } from "graphql";
import { pullHeadRepo } from "../forks/pullHeadRepo.js";
import type { SandboxPull, SandboxRepo, SandboxReviewThread } from "../state.js";
import { actorNode } from "./actorNode.js";
import { type ConnectionArgs, connection } from "./connection.js";
import { githubTime } from "./githubTime.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { htmlUrl } from "./htmlUrl.js";
import { labelsConnection } from "./labelNode.js";
import { repositoryNode } from "./repositoryNode.js";
import { reviewThreadNode } from "./reviewThreadNode.js";

export function pullRequestState(pull: SandboxPull): "OPEN" | "CLOSED" | "MERGED" {
  if (pull.merged) return "MERGED";
  return pull.state === "open" ? "OPEN" : "CLOSED";
}

/** A PR's review threads in creation order, grouped once per call for the whole repository. */
export function reviewThreadsOf(
  ctx: GraphqlContext,
  repo: SandboxRepo,
  pullNumber: number,
): SandboxReviewThread[] {
  let byPull = ctx.threadsByPull.get(repo);
  if (byPull === undefined) {
    byPull = new Map();
    for (const thread of repo.threads.values()) {
      const list = byPull.get(thread.pullNumber);
      if (list === undefined) byPull.set(thread.pullNumber, [thread]);
      else list.push(thread);
    }
    ctx.threadsByPull.set(repo, byPull);
  }
  return byPull.get(pullNumber) ?? [];
}

// Views are classes with getters: a field costs something only when a query selects it, and
// big polls allocate one object per node instead of one closure per field.
export class PullRequestNode {
  readonly __typename = "PullRequest";
  readonly #ctx: GraphqlContext;
  readonly #repo: SandboxRepo;
  readonly #pull: SandboxPull;

  constructor(ctx: GraphqlContext, repo: SandboxRepo, pull: SandboxPull) {
    this.#ctx = ctx;
    this.#repo = repo;
    this.#pull = pull;
  }

  get id() {
    return this.#pull.nodeId;
  }
  get databaseId() {
    return this.#pull.id;
  }
  get number() {
    return this.#pull.number;
  }
  get title() {
    return this.#pull.title;
  }
  get body() {
    return this.#pull.body;
  }
  get resourcePath() {
    return `/${this.#repo.owner}/${this.#repo.name}/pull/${this.#pull.number}`;
  }
  get url() {
    return htmlUrl(this.#ctx.state, this.resourcePath);
  }
  get permalink() {
    return this.url;
  }
  get state() {
    return pullRequestState(this.#pull);
  }
  get closed() {
    return this.#pull.state === "closed";
  }
  get isDraft() {
    return this.#pull.draft;
  }
  get merged() {
    return this.#pull.merged;
  }
  get createdAt() {
    return githubTime(this.#pull.createdAt);
  }
  get updatedAt() {
    return githubTime(this.#pull.updatedAt);
  }
  get mergedAt() {
    return this.#pull.mergedAt ? githubTime(this.#pull.mergedAt) : null;
  }
  get closedAt() {
    return this.#pull.closedAt ? githubTime(this.#pull.closedAt) : null;
  }
  get headRefName() {
    return this.#pull.head;
  }
  get baseRefName() {
    return this.#pull.base;
  }
  get headRefOid() {
    return this.#pull.headSha;
  }
  get baseRefOid() {
    return this.#pull.baseSha ?? "";
  }
  get isCrossRepository() {
    return this.#pull.headRepoId !== undefined;
  }
  get maintainerCanModify() {
    return this.#pull.maintainerCanModify ?? false;
  }
  /** the fork a PR came from, or null once that fork is deleted */
  headRepository() {
    const head = pullHeadRepo(this.#ctx.state, this.#repo, this.#pull);
    return head ? repositoryNode(this.#ctx, head) : null;
  }
  author() {
    return actorNode(this.#ctx, this.#pull.user);
  }
  mergedBy() {
    return actorNode(this.#ctx, this.#pull.mergedBy);
  }
  repository() {
    return repositoryNode(this.#ctx, this.#repo);
  }
  labels(args: ConnectionArgs, _ctx: unknown, info: GraphQLResolveInfo) {
    return labelsConnection(
      this.#ctx,
      this.#repo,
      this.#repo.issues.get(this.#pull.number)?.labels ?? [],
      args,
      info,
    );
  }
  reviewThreads(args: ConnectionArgs, _ctx: unknown, info: GraphQLResolveInfo) {
    const ctx = this.#ctx;
    const repo = this.#repo;
    return connection(
      reviewThreadsOf(ctx, repo, this.#pull.number),
      (thread) => thread.id,
      (thread) => reviewThreadNode(ctx, repo, thread),
      args,
      info,
    );
  }
}

export function pullRequestNode(
  ctx: GraphqlContext,
  repo: SandboxRepo,
  pull: SandboxPull,
): PullRequestNode {
  return new PullRequestNode(ctx, repo, pull);
}
