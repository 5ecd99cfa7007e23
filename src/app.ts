import type { ApplicationFunction, Context } from "probot";
import { ConfigError } from "./config/configError.js";
import { defaultRepoConfig, parseRepoConfig, type RepoConfig } from "./config/repoConfig.js";
import type { CommandJob } from "./queue/eventJob.js";
import type { EventQueue } from "./queue/eventQueue.js";
import { type CiEventPayload, ciEventFields } from "./runs/ci/ciEventFields.js";
import { parseCommand } from "./runs/parseCommand.js";
import { tickedCommands } from "./runs/statusCheckboxes.js";
import { isStatusComment } from "./runs/statusMetadata.js";
import { sameSpec } from "./spec/sameSpec.js";

export interface AppDeps {
  events: EventQueue;
  /** does this issue have a run, or tasks of one, waiting for a maintainer's answer? (Redis reads) */
  awaitsAnswer(owner: string, repo: string, issue: number): Promise<boolean>;
  /** does this issue have a run that is not over? (cheap Redis read) */
  hasActiveRun(owner: string, repo: string, issue: number): Promise<boolean>;
}

type LoadedConfig = { config: RepoConfig; errors: null } | { config: RepoConfig; errors: string[] };

/**
 * The webhook side: validate, read the repo config, enqueue. Everything that writes to GitHub
 * or runs work happens in job processors, so a webhook is answered well inside GitHub's 10 s.
 */
export function createApp(deps: AppDeps): ApplicationFunction {
  return (app) => {
    app.on("issues.labeled", async (context) => {
      const { payload } = context;
      if (!payload.label) return;
      const loaded = await loadConfig(context);
      if (payload.label.name !== loaded.config.label) return;
      await deps.events.add(
        commandJob(context, loaded, {
          issueNumber: payload.issue.number,
          isPullRequest: Boolean(payload.issue.pull_request),
          via: "label",
          commentId: null,
          command: "start",
          argument: null,
          text: null,
        }),
      );
    });

    app.on("issue_comment.created", async (context) => {
      const { payload } = context;
      if (payload.comment.user?.type === "Bot") return;
      const parsed = parseCommand(payload.comment.body ?? "");
      const { owner, repo } = context.repo();
      const base = {
        issueNumber: payload.issue.number,
        isPullRequest: Boolean(payload.issue.pull_request),
        via: "comment" as const,
        commentId: payload.comment.id,
      };
      if (parsed.kind === "none") {
        if (!(await deps.awaitsAnswer(owner, repo, payload.issue.number))) return;
        const loaded = await loadConfig(context);
        await deps.events.add(
          commandJob(context, loaded, {
            ...base,
            command: "answer",
            argument: null,
            text: payload.comment.body ?? "",
          }),
        );
        return;
      }
      const loaded = await loadConfig(context);
      if (parsed.kind === "unknown") {
        // Answered by the processor with the list of commands, after the permission check.
        await deps.events.add(
          commandJob(context, loaded, {
            ...base,
            command: "status",
            argument: `?${parsed.word}`,
            text: null,
          }),
        );
        return;
      }
      await deps.events.add(
        commandJob(context, loaded, {
          ...base,
          command: parsed.command,
          argument: parsed.argument,
          text: null,
        }),
      );
    });

    // A maintainer ticked a box in the status comment (retry a task, stop the run): the same
    // commands as typed ones, with the same permission check in the processor.
    app.on("issue_comment.edited", async (context) => {
      const { payload } = context;
      if (payload.sender.type === "Bot" || payload.comment.user?.type !== "Bot") return;
      const before = payload.changes.body?.from;
      const after = payload.comment.body ?? "";
      if (before === undefined || !isStatusComment(after)) return;
      const ticked = tickedCommands(before, after);
      if (ticked.length === 0) return;
      const loaded = await loadConfig(context);
      for (const [i, tick] of ticked.entries()) {
        const job = commandJob(context, loaded, {
          issueNumber: payload.issue.number,
          isPullRequest: Boolean(payload.issue.pull_request),
          via: "checkbox",
          commentId: null,
          command: tick.command,
          argument: tick.argument,
          text: null,
        });
        await deps.events.add({ ...job, deliveryId: `${context.id}-${i}` });
      }
    });

    // GitHub sends these to every App: the installation went, paused, or lost repositories.
    app.on(
      ["installation.deleted", "installation.suspend", "installation.unsuspend"],
      async (context) => {
        await deps.events.add({
          type: "installation",
          deliveryId: context.id,
          installationId: context.payload.installation.id,
          action: context.payload.action,
          repos: [],
        });
      },
    );
    app.on("installation_repositories.removed", async (context) => {
      await deps.events.add({
        type: "installation",
        deliveryId: context.id,
        installationId: context.payload.installation.id,
        action: "removed",
        repos: context.payload.repositories_removed.map((r) => r.full_name),
      });
    });

    // The spec of an active run was edited: it is planned again (the processor checks that
    // whoever edited it may change the run).
    app.on("issues.edited", async (context) => {
      const { payload } = context;
      if (payload.issue.pull_request || payload.changes.body === undefined) return;
      if (payload.sender.type === "Bot") return;
      if (sameSpec(payload.changes.body.from, payload.issue.body ?? "")) return;
      const { owner, repo } = context.repo();
      if (!(await deps.hasActiveRun(owner, repo, payload.issue.number))) return;
      const loaded = await loadConfig(context);
      await deps.events.add(
        commandJob(context, loaded, {
          issueNumber: payload.issue.number,
          isPullRequest: false,
          via: "edit",
          commentId: null,
          command: "replan",
          argument: null,
          text: null,
        }),
      );
    });

    // The run's issue went away or was closed: its run stops (the processor says so where it
    // still can, in the status comment).
    app.on(["issues.closed", "issues.deleted", "issues.transferred"], async (context) => {
      const { payload } = context;
      const installationId = payload.installation?.id;
      if (!installationId || payload.issue.pull_request) return;
      const { owner, repo } = context.repo();
      const moved =
        payload.action === "transferred"
          ? (payload.changes as {
              new_issue?: { number?: number };
              new_repository?: { full_name?: string };
            })
          : null;
      await deps.events.add({
        type: "issue",
        deliveryId: context.id,
        installationId,
        owner,
        repo,
        issueNumber: payload.issue.number,
        action: payload.action,
        sender: payload.sender.login,
        movedTo:
          moved?.new_repository?.full_name && moved.new_issue?.number
            ? `${moved.new_repository.full_name}#${moved.new_issue.number}`
            : null,
      });
    });

    // A push to a followed PR's branch: the App's own pushes are told apart in the processor,
    // which knows the App's login.
    app.on("pull_request.synchronize", async (context) => {
      const { owner, repo } = context.repo();
      const installationId = context.payload.installation?.id;
      if (!installationId) return;
      await deps.events.add({
        type: "pushed",
        deliveryId: context.id,
        installationId,
        owner,
        repo,
        pullNumber: context.payload.pull_request.number,
        sender: context.payload.sender.login,
      });
    });

    // A PR moved onto another base: its group records where it is stacked now.
    app.on("pull_request.edited", async (context) => {
      const { owner, repo } = context.repo();
      const installationId = context.payload.installation?.id;
      if (!installationId || !context.payload.changes.base) return;
      await deps.events.add({
        type: "retargeted",
        deliveryId: context.id,
        installationId,
        owner,
        repo,
        pullNumber: context.payload.pull_request.number,
        base: context.payload.pull_request.base.ref,
      });
    });

    // The default branch moved: its group PRs are caught up. Other branches' pushes are
    // told by pull_request.synchronize; a deleted branch has nothing to catch up with.
    app.on("push", async (context) => {
      const { payload } = context;
      const installationId = payload.installation?.id;
      const branch = payload.ref.replace(/^refs\/heads\//, "");
      if (!installationId || payload.deleted || branch !== payload.repository.default_branch) {
        return;
      }
      const { owner, repo } = context.repo();
      await deps.events.add({
        type: "base-moved",
        deliveryId: context.id,
        installationId,
        owner,
        repo,
        branch,
        forced: payload.forced,
        sender: payload.sender?.login ?? payload.pusher.name,
      });
    });

    // CI results: a check run, suite or workflow run of another app ended, or a commit status.
    // The App's own check run is no CI result.
    app.on(
      ["check_run.completed", "check_suite.completed", "workflow_run.completed", "status"],
      async (context) => {
        const { payload } = context;
        const installationId = payload.installation?.id;
        if (!installationId) return;
        const job = ciEventFields(payload as CiEventPayload, context.name);
        if (!job) return;
        const { owner, repo } = context.repo();
        await deps.events.add({
          type: "checks",
          deliveryId: context.id,
          installationId,
          owner,
          repo,
          ...job,
        });
      },
    );

    // Reviews on a followed PR, and a person merging, closing or reopening it: the same
    // reconcile of that one PR (a closed or merged one is recorded on its group and no longer
    // polled; a reopened one is followed again).
    for (const event of [
      "pull_request_review_comment",
      "pull_request_review",
      "pull_request_review_thread",
      "pull_request.closed",
      "pull_request.reopened",
    ] as const) {
      app.on(event, async (context) => {
        const { owner, repo } = context.repo();
        const installationId = context.payload.installation?.id;
        if (!installationId) return;
        await deps.events.add({
          type: "review",
          deliveryId: context.id,
          installationId,
          owner,
          repo,
          pullNumber: context.payload.pull_request.number,
        });
      });
    }
  };
}

async function loadConfig(context: Context): Promise<LoadedConfig> {
  try {
    const raw = await context.config("orchestrate.yml");
    return { config: parseRepoConfig(raw), errors: null };
  } catch (error) {
    const errors =
      error instanceof ConfigError
        ? error.issues
        : [`the file could not be read as YAML: ${(error as Error).message.split("\n")[0]}`];
    return { config: defaultRepoConfig, errors };
  }
}

function commandJob(
  context: Context<
    "issues.labeled" | "issues.edited" | "issue_comment.created" | "issue_comment.edited"
  >,
  loaded: LoadedConfig,
  fields: Pick<
    CommandJob,
    "issueNumber" | "isPullRequest" | "via" | "commentId" | "command" | "argument" | "text"
  >,
): CommandJob {
  const { owner, repo } = context.repo();
  const installationId = context.payload.installation?.id;
  if (!installationId) throw new Error("webhook without an installation: is the App installed?");
  return {
    type: "command",
    deliveryId: context.id,
    installationId,
    owner,
    repo,
    sender: context.payload.sender.login,
    config: loaded.config,
    configErrors: loaded.errors,
    ...fields,
  };
}
