import { fullName } from "./rest/issueEvent.js";
import type { SandboxState } from "./state.js";
import type { EventTargets } from "./webhookDriver.js";

// GraphQL mutations write the shared state directly; to send the webhooks GitHub would send for
// them, the GraphQL door compares what a call changed in the installation's conversations.

export interface ConversationSnapshot {
  issueComments: Set<string>;
  reviewComments: Set<string>;
  resolved: Map<string, boolean>;
}

export function snapshotConversations(
  state: SandboxState,
  installationId: number,
): ConversationSnapshot {
  const snap: ConversationSnapshot = {
    issueComments: new Set(),
    reviewComments: new Set(),
    resolved: new Map(),
  };
  for (const repo of state.repos.values()) {
    if (repo.installationId !== installationId) continue;
    for (const id of repo.issueComments.keys()) snap.issueComments.add(`${repo.id}:${id}`);
    for (const id of repo.reviewComments.keys()) snap.reviewComments.add(`${repo.id}:${id}`);
    for (const thread of repo.threads.values())
      snap.resolved.set(`${repo.id}:${thread.id}`, thread.isResolved);
  }
  return snap;
}

export interface ConversationEvent {
  event: string;
  action: string;
  targets: Omit<EventTargets, "sender">;
}

/** The webhooks for what changed since `before`: new comments, resolved or unresolved threads. */
export function conversationEvents(
  state: SandboxState,
  installationId: number,
  before: ConversationSnapshot,
): ConversationEvent[] {
  const events: ConversationEvent[] = [];
  for (const repo of state.repos.values()) {
    if (repo.installationId !== installationId) continue;
    const name = fullName(repo);
    for (const comment of repo.issueComments.values()) {
      if (before.issueComments.has(`${repo.id}:${comment.id}`)) continue;
      events.push({
        event: "issue_comment",
        action: "created",
        targets: { repo: name, issue: comment.issueNumber, comment },
      });
    }
    for (const comment of repo.reviewComments.values()) {
      if (before.reviewComments.has(`${repo.id}:${comment.id}`)) continue;
      if (comment.reviewId !== null && repo.reviews.has(comment.reviewId)) {
        events.push({
          event: "pull_request_review",
          action: "submitted",
          targets: { repo: name, review: comment.reviewId },
        });
      }
      events.push({
        event: "pull_request_review_comment",
        action: "created",
        targets: { repo: name, comment },
      });
    }
    for (const thread of repo.threads.values()) {
      const was = before.resolved.get(`${repo.id}:${thread.id}`);
      if (was === undefined || was === thread.isResolved) continue;
      events.push({
        event: "pull_request_review_thread",
        action: thread.isResolved ? "resolved" : "unresolved",
        targets: { repo: name, thread: thread.id },
      });
    }
  }
  return events;
}
