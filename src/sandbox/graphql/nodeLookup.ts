import type {
  SandboxIssue,
  SandboxIssueComment,
  SandboxPull,
  SandboxRepo,
  SandboxReview,
  SandboxReviewComment,
  SandboxReviewThread,
  SandboxState,
} from "../state.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { issueCommentNode } from "./issueCommentNode.js";
import { issueNode } from "./issueNode.js";
import { pullRequestNode } from "./pullRequestNode.js";
import { repositoryNode } from "./repositoryNode.js";
import { reviewCommentNode } from "./reviewCommentNode.js";
import { reviewNode } from "./reviewNode.js";
import { reviewThreadNode } from "./reviewThreadNode.js";

export type FoundNode =
  | { kind: "repository"; repo: SandboxRepo }
  | { kind: "pull"; repo: SandboxRepo; pull: SandboxPull }
  | { kind: "issue"; repo: SandboxRepo; issue: SandboxIssue }
  | { kind: "thread"; repo: SandboxRepo; thread: SandboxReviewThread }
  | { kind: "reviewComment"; repo: SandboxRepo; comment: SandboxReviewComment }
  | { kind: "review"; repo: SandboxRepo; review: SandboxReview }
  | { kind: "issueComment"; repo: SandboxRepo; comment: SandboxIssueComment };

type IndexedKind = Exclude<FoundNode["kind"], "thread">;
interface NodeRef {
  kind: IndexedKind;
  repo: SandboxRepo;
  key: number;
}

// Node ids are opaque, so finding one means an index. It lives beside the state (whose maps are
// keyed by number) and is rebuilt at most once per call when an id misses: the REST side adds
// objects without telling this module.
const indexes = new WeakMap<SandboxState, Map<string, NodeRef>>();

function rebuildIndex(state: SandboxState): Map<string, NodeRef> {
  const index = new Map<string, NodeRef>();
  for (const repo of state.repos.values()) {
    index.set(repo.nodeId, { kind: "repository", repo, key: repo.id });
    for (const issue of repo.issues.values()) {
      if (!issue.isPull) index.set(issue.nodeId, { kind: "issue", repo, key: issue.number });
    }
    for (const pull of repo.pulls.values())
      index.set(pull.nodeId, { kind: "pull", repo, key: pull.number });
    for (const comment of repo.reviewComments.values()) {
      index.set(comment.nodeId, { kind: "reviewComment", repo, key: comment.id });
    }
    for (const review of repo.reviews.values())
      index.set(review.nodeId, { kind: "review", repo, key: review.id });
    for (const comment of repo.issueComments.values()) {
      index.set(comment.nodeId, { kind: "issueComment", repo, key: comment.id });
    }
  }
  indexes.set(state, index);
  return index;
}

function resolveRef(ref: NodeRef | undefined, id: string): FoundNode | null {
  if (ref === undefined) return null;
  const { repo } = ref;
  switch (ref.kind) {
    case "repository":
      return repo.nodeId === id ? { kind: "repository", repo } : null;
    case "issue": {
      const issue = repo.issues.get(ref.key);
      return issue?.nodeId === id ? { kind: "issue", repo, issue } : null;
    }
    case "pull": {
      const pull = repo.pulls.get(ref.key);
      return pull?.nodeId === id ? { kind: "pull", repo, pull } : null;
    }
    case "reviewComment": {
      const comment = repo.reviewComments.get(ref.key);
      return comment?.nodeId === id ? { kind: "reviewComment", repo, comment } : null;
    }
    case "review": {
      const review = repo.reviews.get(ref.key);
      return review?.nodeId === id ? { kind: "review", repo, review } : null;
    }
    case "issueComment": {
      const comment = repo.issueComments.get(ref.key);
      return comment?.nodeId === id ? { kind: "issueComment", repo, comment } : null;
    }
  }
}

/** The repositories the calling installation can see. */
export function visibleRepos(ctx: GraphqlContext): SandboxRepo[] {
  return [...ctx.state.repos.values()].filter((repo) => repo.installationId === ctx.installationId);
}

/** The object behind a global node id, if the calling installation may see it. */
export function findNode(ctx: GraphqlContext, id: string): FoundNode | null {
  for (const repo of visibleRepos(ctx)) {
    const thread = repo.threads.get(id);
    if (thread !== undefined) return { kind: "thread", repo, thread };
  }
  let found = resolveRef(indexes.get(ctx.state)?.get(id), id);
  if (found === null && !ctx.nodeIndexRefreshed) {
    ctx.nodeIndexRefreshed = true;
    found = resolveRef(rebuildIndex(ctx.state).get(id), id);
  }
  return found !== null && found.repo.installationId === ctx.installationId ? found : null;
}

/** GitHub's wording for an id it cannot resolve (node, nodes and mutation inputs alike). */
export function unresolvableNodeMessage(id: string): string {
  return `Could not resolve to a node with the global id of '${id}'`;
}

export function nodeView(ctx: GraphqlContext, found: FoundNode): object {
  switch (found.kind) {
    case "repository":
      return repositoryNode(ctx, found.repo);
    case "pull":
      return pullRequestNode(ctx, found.repo, found.pull);
    case "issue":
      return issueNode(ctx, found.repo, found.issue);
    case "thread":
      return reviewThreadNode(ctx, found.repo, found.thread);
    case "reviewComment":
      return reviewCommentNode(ctx, found.repo, found.comment);
    case "review":
      return reviewNode(ctx, found.repo, found.review);
    case "issueComment":
      return issueCommentNode(ctx, found.repo, found.comment);
  }
}
