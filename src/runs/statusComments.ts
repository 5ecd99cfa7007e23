import type { GitHubPort } from "../github/githubPort.js";
import type { RunSnapshot } from "./run.js";
import { isStatusComment } from "./statusMetadata.js";

export interface StatusComments {
  /** Writes the run's status comment — edited in place, created once — and returns its id. */
  publish(snapshot: RunSnapshot): Promise<number>;
}

export function statusComments(
  github: GitHubPort,
  render: (snapshot: RunSnapshot) => string,
): StatusComments {
  return {
    async publish(snapshot) {
      const { run } = snapshot;
      const repo = { owner: run.owner, repo: run.repo };
      const body = render(snapshot);
      if (run.statusCommentId) {
        try {
          await github.updateComment(repo, run.statusCommentId, body);
          return run.statusCommentId;
        } catch (error) {
          // A person deleted the comment: post a new one rather than lose the run's face.
          if ((error as { status?: number }).status !== 404) throw error;
        }
      }
      // The id may not have been saved (a crash after posting): find our comment before posting.
      const existing = (await github.listComments(repo, run.issueNumber)).find(
        (c) => c.author === github.appLogin && isStatusComment(c.body),
      );
      if (existing) {
        await github.updateComment(repo, existing.id, body);
        return existing.id;
      }
      return (await github.createComment(repo, run.issueNumber, body)).id;
    },
  };
}
