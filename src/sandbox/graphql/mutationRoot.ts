import { botLogin, ensureUser } from "../createState.js";
import { addReview, replyToThread } from "../reviewModel.js";
import {
  nextId,
  nodeId,
  type SandboxIssueComment,
  type SandboxRepo,
  type SandboxReviewThread,
  type SandboxState,
} from "../state.js";
import { timestamp } from "../timestamp.js";
import { touchPull } from "../touchPull.js";
import { GithubError } from "./githubError.js";
import type { GraphqlContext } from "./graphqlContext.js";
import { issueCommentNode } from "./issueCommentNode.js";
import { findNode, nodeView, unresolvableNodeMessage } from "./nodeLookup.js";
import { pullRequestNode } from "./pullRequestNode.js";
import { reviewCommentNode } from "./reviewCommentNode.js";
import { reviewThreadNode } from "./reviewThreadNode.js";

/** GitHub refuses comment bodies longer than this many characters. */
const MAX_BODY = 65536;

/** The app's own bot account ("<slug>[bot]"): every mutation acts as the installation's bot. */
function appBot(state: SandboxState): string {
  return ensureUser(state, botLogin(state), "Bot").login;
}

function checkBody(body: string): void {
  if (body.trim() === "") throw new GithubError("UNPROCESSABLE", "Body can't be blank");
  if (body.length > MAX_BODY) {
    throw new GithubError("UNPROCESSABLE", `Body is too long (maximum is ${MAX_BODY} characters)`);
  }
}

function findThread(
  ctx: GraphqlContext,
  id: string,
): { repo: SandboxRepo; thread: SandboxReviewThread } {
  const found = findNode(ctx, id);
  if (found?.kind !== "thread") throw new GithubError("NOT_FOUND", unresolvableNodeMessage(id));
  return found;
}

interface Input<T> {
  input: T & { clientMutationId?: string | null };
}

/** The Mutation fields the sandbox serves, each writing the shared state. */
export function mutationRoot(ctx: GraphqlContext) {
  const { state } = ctx;
  const setResolved = (threadId: string, resolved: boolean) => {
    const { repo, thread } = findThread(ctx, threadId);
    if (thread.isResolved !== resolved) {
      thread.isResolved = resolved;
      thread.resolvedBy = resolved ? appBot(state) : null;
      touchPull(repo, thread.pullNumber, timestamp(state));
    }
    return { repo, thread };
  };

  return {
    resolveReviewThread: ({ input }: Input<{ threadId: string }>) => {
      const { repo, thread } = setResolved(input.threadId, true);
      return {
        clientMutationId: input.clientMutationId ?? null,
        thread: reviewThreadNode(ctx, repo, thread),
      };
    },

    unresolveReviewThread: ({ input }: Input<{ threadId: string }>) => {
      const { repo, thread } = setResolved(input.threadId, false);
      return {
        clientMutationId: input.clientMutationId ?? null,
        thread: reviewThreadNode(ctx, repo, thread),
      };
    },

    addPullRequestReviewThreadReply: ({
      input,
    }: Input<{ pullRequestReviewThreadId: string; body: string }>) => {
      const { repo, thread } = findThread(ctx, input.pullRequestReviewThreadId);
      checkBody(input.body);
      const author = appBot(state);
      const pull = repo.pulls.get(thread.pullNumber);
      // Built by the same helpers as the REST reply route: a reply outside a pending review is
      // submitted as its own single-comment review, anchored where the thread's first comment is.
      const review = addReview(state, repo, {
        pullNumber: thread.pullNumber,
        user: author,
        body: "",
        state: "COMMENTED",
        commitId: pull?.headSha ?? "",
      });
      const comment = replyToThread(state, repo, thread, {
        user: author,
        body: input.body,
        reviewId: review.id,
      });
      const at = comment.createdAt;
      touchPull(repo, thread.pullNumber, at);
      return {
        clientMutationId: input.clientMutationId ?? null,
        comment: reviewCommentNode(ctx, repo, comment),
      };
    },

    // The only way to take a pull request out of draft: REST's update cannot.
    markPullRequestReadyForReview: ({ input }: Input<{ pullRequestId: string }>) => {
      const found = findNode(ctx, input.pullRequestId);
      if (found === null || found.kind !== "pull") {
        throw new GithubError("NOT_FOUND", unresolvableNodeMessage(input.pullRequestId));
      }
      found.pull.draft = false;
      touchPull(found.repo, found.pull.number, timestamp(state));
      return {
        clientMutationId: input.clientMutationId ?? null,
        pullRequest: pullRequestNode(ctx, found.repo, found.pull),
      };
    },

    addComment: ({ input }: Input<{ subjectId: string; body: string }>) => {
      const found = findNode(ctx, input.subjectId);
      if (found === null || (found.kind !== "pull" && found.kind !== "issue")) {
        throw new GithubError("NOT_FOUND", unresolvableNodeMessage(input.subjectId));
      }
      checkBody(input.body);
      const { repo } = found;
      const number = found.kind === "pull" ? found.pull.number : found.issue.number;
      const at = timestamp(state);
      const id = nextId(state);
      const comment: SandboxIssueComment = {
        id,
        nodeId: nodeId("IC", id),
        issueNumber: number,
        body: input.body,
        user: appBot(state),
        createdAt: at,
        updatedAt: at,
        history: [input.body],
      };
      repo.issueComments.set(id, comment);
      touchPull(repo, number, at);
      const node = issueCommentNode(ctx, repo, comment);
      const cursor = Buffer.from(`cursor:v2:0:${id}`).toString("base64");
      return {
        clientMutationId: input.clientMutationId ?? null,
        commentEdge: { cursor, node },
        timelineEdge: { cursor, node },
        subject: nodeView(ctx, found),
      };
    },
  };
}
