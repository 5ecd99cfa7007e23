import { createHash } from "node:crypto";
import type { GitHubPort, NoticeOption } from "../github/githubPort.js";
import { ensureComment } from "./ensureComment.js";
import type { RunSnapshot } from "./run.js";
import { isStatusComment } from "./statusMetadata.js";

export interface StatusComments {
  /**
   * Writes the run's status comment — edited in place, created once, and not at all when it
   * would show what it already shows — and returns its id and the digest of what it shows.
   */
  publish(snapshot: RunSnapshot, o?: NoticeOption): Promise<{ id: number; digest: string }>;
}

/** A short fingerprint of a comment body, kept on the run to skip edits that change nothing. */
function digestOf(body: string): string {
  return createHash("sha256").update(body).digest("base64url").slice(0, 22);
}

export function statusComments(
  github: GitHubPort,
  render: (snapshot: RunSnapshot) => string,
): StatusComments {
  return {
    async publish(snapshot, o = {}) {
      const { run } = snapshot;
      const repo = { owner: run.owner, repo: run.repo };
      const body = render(snapshot);
      const digest = digestOf(body);
      // Every edit is a content-creating request, which GitHub limits to 80 a minute and 500
      // an hour per installation: an edit that would change nothing is not made.
      if (run.statusCommentId && run.statusDigest === digest) {
        return { id: run.statusCommentId, digest };
      }
      if (run.statusCommentId) {
        try {
          await github.updateComment(repo, run.statusCommentId, body, o);
          return { id: run.statusCommentId, digest };
        } catch (error) {
          // A person deleted the comment: post a new one rather than lose the run's face.
          if ((error as { status?: number }).status !== 404) throw error;
        }
      }
      // The id may not have been saved (a crash after posting): find our comment before posting.
      const { id } = await ensureComment(github, repo, run.issueNumber, {
        ...o,
        mine: isStatusComment,
        body,
        edit: true,
      });
      return { id, digest };
    },
  };
}
