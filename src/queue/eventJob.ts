import { z } from "zod";

export const commandNames = [
  "start",
  "stop",
  "status",
  "retry",
  "approve",
  "answer",
  "replan",
  "reopen",
] as const;
export type CommandName = (typeof commandNames)[number];

// Job payloads are read back from Redis, possibly by another version of the code: checked again.
export const eventJobSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("command"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    issueNumber: z.number().int().positive(),
    isPullRequest: z.boolean(),
    sender: z.string().min(1),
    /** `edit`: the issue's body was edited (a re-plan) */
    via: z.enum(["label", "comment", "checkbox", "edit"]),
    commentId: z.number().int().positive().nullable(),
    command: z.enum(commandNames),
    argument: z.string().max(200).nullable(),
    /** the comment's text, for an answer to the planner's questions */
    text: z.string().max(65_536).nullable(),
    /** the repo config as read by the webhook handler, or the errors that made it unusable */
    config: z.unknown(),
    configErrors: z.array(z.string()).nullable(),
  }),
  z.object({
    type: z.literal("settle"),
    runKey: z.string().min(1),
    installationId: z.number().int().positive(),
    group: z.string().min(1),
  }),
  z.object({
    type: z.literal("publish"),
    runKey: z.string().min(1),
    installationId: z.number().int().positive(),
  }),
  z.object({
    /** the issue a run works from was closed, deleted or moved to another repository */
    type: z.literal("issue"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    issueNumber: z.number().int().positive(),
    action: z.enum(["closed", "deleted", "transferred"]),
    sender: z.string().min(1),
    /** `owner/repo#N` the issue now lives at, for a transfer */
    movedTo: z.string().min(1).nullable(),
  }),
  z.object({
    /** the App's installation changed: uninstalled, suspended, or repositories taken out */
    type: z.literal("installation"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    action: z.enum(["deleted", "suspend", "unsuspend", "removed"]),
    /** `owner/name` of the repositories taken out, for `removed` */
    repos: z.array(z.string().min(1)),
  }),
  z.object({
    /** someone pushed to a followed PR's branch (pull_request.synchronize) */
    type: z.literal("pushed"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    pullNumber: z.number().int().positive(),
    sender: z.string().min(1),
  }),
  z.object({
    /** a followed PR was moved onto another base branch (pull_request.edited, changes.base) */
    type: z.literal("retargeted"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    pullNumber: z.number().int().positive(),
    base: z.string().min(1),
  }),
  z.object({
    /** a repository's default branch moved (push): its group PRs are caught up */
    type: z.literal("base-moved"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    branch: z.string().min(1),
    /** history was rewritten (a force-push) */
    forced: z.boolean(),
    sender: z.string().min(1),
  }),
  z.object({
    /** a CI result on some head: a check run, check suite or workflow run ended, or a status */
    type: z.literal("checks"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    /** the pull requests the event names (check and workflow events) */
    pullNumbers: z.array(z.number().int().positive()).max(100),
    /** the branches whose head it is (a commit status names only those) */
    branches: z.array(z.string().min(1)).max(100),
    /** slug of the app whose check it is; null for a commit status */
    app: z.string().max(100).nullable(),
  }),
  z.object({
    type: z.literal("review"),
    deliveryId: z.string().min(1),
    installationId: z.number().int().positive(),
    owner: z.string().min(1),
    repo: z.string().min(1),
    pullNumber: z.number().int().positive(),
  }),
]);

export type EventJob = z.infer<typeof eventJobSchema>;
export type CommandJob = Extract<EventJob, { type: "command" }>;
