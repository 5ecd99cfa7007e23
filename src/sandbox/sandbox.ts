import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { actionsOf } from "./actions/actionsOf.js";
import { createRuntime } from "./createRuntime.js";
import { type CreateRepoOptions, createSandboxRepo } from "./createSandboxRepo.js";
import { createState, ensureUser } from "./createState.js";
import { dispatchRequest } from "./dispatchRequest.js";
import { addFault } from "./faults.js";
import { fetchForkHead } from "./forks/fetchForkHead.js";
import { findHeadRepo } from "./forks/findHeadRepo.js";
import { forkRepo } from "./forks/forkRepo.js";
import { BareRepo } from "./git/bareRepo.js";
import { closeIssue, deleteIssue, requireIssue, transferIssue } from "./issueChanges.js";
import * as people from "./people.js";
import type { RateResource } from "./rateLimits.js";
import { addIssueComment, createIssue, useLabels } from "./rest/issues.js";
import { createPull } from "./rest/pulls.js";
import { findRepo } from "./rest/requireRepo.js";
import { addStatus, statusEventWithBranches } from "./rest/statuses.js";
import { errorBody } from "./runtime.js";
import { installationJson } from "./shapes/appJson.js";
import { issueJson } from "./shapes/issueJson.js";
import { repositoryJson } from "./shapes/repositoryJson.js";
import type {
  AccountPlan,
  Fault,
  FidelityFailure,
  Permission,
  SandboxIssue,
  SandboxIssueComment,
  SandboxPull,
  SandboxRepo,
  SandboxReview,
  SandboxReviewComment,
  SandboxReviewThread,
  SandboxState,
  SandboxUser,
  TokenAccess,
} from "./state.js";
import { nextId } from "./state.js";
import { timestamp } from "./timestamp.js";
import { buildEvent, type EventTargets } from "./webhookDriver.js";
import { type SandboxDelivery, WebhookOutbox, type WebhookTarget } from "./webhookOutbox.js";

// The GitHub sandbox: a stateful stand-in for github.com on a loopback port, reached by Octokit
// and Probot through their base URL as they would reach GitHub Enterprise Server. It is strict:
// every REST request is matched and validated against GitHub's OpenAPI description, every answer
// it builds is checked against the documented response schema, and anything that would not work
// on github.com is recorded as a fidelity failure that `assertFidelity()` throws.
//
//   REST     `${url}/repos/...`  (also `${url}/api/v3/repos/...`)
//   GraphQL  `${url}/graphql`    (also `${url}/api/graphql`)
//   git      `${url}/{owner}/{repo}.git` (HTTP Basic, user x-access-token, installation token)
//
// Tests and `orchestrate simulate` drive it; application code never imports it.

export type { CreateRepoOptions } from "./createSandboxRepo.js";
export type { SandboxDelivery, WebhookTarget } from "./webhookOutbox.js";

export interface SandboxOptions {
  /** where bare repositories live; a fresh temporary directory (removed on close) by default */
  dataDir?: string;
  /** 0 (any free port) by default */
  port?: number;
  log?: (line: string) => void;
}

export interface Sandbox {
  /** "http://127.0.0.1:PORT": REST base URL; GraphQL at `${url}/graphql`; GHE shapes `${url}/api/v3/...` and `${url}/api/graphql` work too */
  url: string;
  appId: number;
  /** PKCS#1 PEM the app signs its JWTs with */
  privateKey: string;
  state: SandboxState;
  /** every webhook the sandbox pushed to the target, oldest first */
  deliveries: SandboxDelivery[];
  /** a bare repository with one commit of `files` (a README.md by default); the owner is admin */
  createRepo(o: CreateRepoOptions): Promise<SandboxRepo>;
  addUser(login: string, type?: "User" | "Bot"): SandboxUser;
  setPermission(repo: string, login: string, permission: Permission): void;
  /**
   * What the installation of `repo` granted (app.yml's permissions by default), as if the
   * operator changed the App's permissions and the installation accepted them
   */
  setInstallationPermissions(repo: string, permissions: Record<string, TokenAccess>): void;
  /**
   * The account takes `repo` out of the App's installation: the installation's tokens no longer
   * reach it (404). Delivers installation_repositories.removed.
   */
  removeFromInstallation(repo: string): Promise<void>;
  /** The account suspends (or unsuspends) the App: its tokens are refused with a 403. */
  suspendInstallation(repo: string, suspended: boolean): Promise<void>;
  /** The account uninstalls the App: the installation and its tokens are gone (404, 401). */
  deleteInstallation(repo: string): Promise<void>;
  /** the account's GitHub plan (Free unless set): drafts in private repositories need Team+ */
  setPlan(account: string, plan: AccountPlan): void;
  createIssue(
    repo: string,
    o: { title: string; body: string; user: string; labels?: string[] },
  ): SandboxIssue;
  /** a person comments; delivers issue_comment.created when a webhook target is set */
  comment(
    repo: string,
    issueNumber: number,
    user: string,
    body: string,
  ): Promise<SandboxIssueComment>;
  /**
   * a person edits an issue comment (ticking a checkbox in the app's status comment, say);
   * delivers issue_comment.edited with `changes.body.from`, as GitHub does
   */
  editComment(
    repo: string,
    commentId: number,
    user: string,
    body: string,
  ): Promise<SandboxIssueComment>;
  /** a person labels an issue; delivers issues.labeled when a webhook target is set */
  addLabel(repo: string, issueNumber: number, label: string, user: string): Promise<void>;
  /** delivers pull_request_review.submitted then pull_request_review_comment.created per comment */
  postReview(
    repo: string,
    pull: number,
    o: {
      user: string;
      body?: string;
      comments: Array<{ path: string; line: number; body: string }>;
    },
  ): Promise<{ review: SandboxReview; threads: SandboxReviewThread[] }>;
  /** delivers pull_request_review.submitted and pull_request_review_comment.created */
  replyInThread(
    repo: string,
    threadId: string,
    user: string,
    body: string,
  ): Promise<SandboxReviewComment>;
  /** delivers pull_request_review_thread.resolved / .unresolved */
  setThreadResolved(repo: string, threadId: string, resolved: boolean, by: string): Promise<void>;
  /** a person closes an issue; delivers issues.closed */
  closeIssue(
    repo: string,
    issueNumber: number,
    user: string,
    reason?: "completed" | "not_planned",
  ): Promise<void>;
  /** a person edits an issue's title or body; delivers issues.edited with what changed */
  editIssue(
    repo: string,
    issueNumber: number,
    user: string,
    o: { title?: string; body?: string },
  ): Promise<void>;
  /** a person deletes an issue, its comments with it; delivers issues.deleted */
  deleteIssue(repo: string, issueNumber: number, user: string): Promise<void>;
  /** a person moves an issue to another repository; delivers issues.transferred */
  transferIssue(
    repo: string,
    issueNumber: number,
    toRepo: string,
    user: string,
  ): Promise<SandboxIssue>;
  /** closes (or merges into the base branch, with a merge commit); delivers pull_request.closed */
  closePull(repo: string, pull: number, merged?: boolean): Promise<void>;
  /**
   * a person opens a pull request from `head` (into the default branch unless `base`): a
   * branch of `repo`, or `forkOwner:branch` of a fork in its network, with "Allow edits by
   * maintainers" ticked unless `maintainerCanModify` is false
   */
  openPull(
    repo: string,
    o: {
      user: string;
      head: string;
      base?: string;
      title: string;
      body?: string;
      draft?: boolean;
      maintainerCanModify?: boolean;
    },
  ): Promise<SandboxPull>;
  /**
   * `owner` forks `repo`: a repository of their own sharing its history (`fork: true`, with
   * `parent` and `source`), which no installation of the App covers unless `installationId`
   */
  forkRepo(
    repo: string,
    o: { owner: string; name?: string; installationId?: number },
  ): Promise<SandboxRepo>;
  /** the author of a PR from a fork ticks or unticks "Allow edits by maintainers" */
  setMaintainerCanModify(repo: string, pull: number, allowed: boolean): void;
  /** the owner deletes a repository: a PR from it (a deleted fork) shows `head.repo: null` */
  deleteRepo(repo: string): Promise<void>;
  /** a person pushes a commit to `branch` (created from the default branch when missing) */
  commit(
    repo: string,
    o: { branch: string; files: Record<string, string | null>; message: string; author?: string },
  ): Promise<string>;
  /**
   * a person force-pushes `branch`: history rewritten to one new commit of `files` on top of
   * `onto` (commits after it are dropped); delivers `push` with `forced: true`
   */
  forcePush(
    repo: string,
    o: {
      branch: string;
      onto: string;
      files: Record<string, string | null>;
      message: string;
      author?: string;
    },
  ): Promise<string>;
  deleteBranch(repo: string, branch: string): Promise<void>;
  /**
   * The repository's GitHub Actions CI (null: none): from now on every pushed branch head gets a
   * workflow run whose one job runs `command` on a checkout of it (see actions/actionsRunner.ts);
   * `webhooks: false` loses its webhooks on the way, as GitHub sometimes does
   */
  setCi(
    repo: string,
    ci: { name: string; command: string; webhooks?: boolean } | null,
  ): Promise<void>;
  /** waits until every CI job running now has ended and said so */
  ciSettled(): Promise<void>;
  /** another CI service posts a commit status; delivers `status` */
  postStatus(
    repo: string,
    sha: string,
    o: { state: "error" | "failure" | "pending" | "success"; context: string; user: string },
  ): Promise<void>;
  /** a ruleset of `branch` requires these status checks */
  setRequiredChecks(repo: string, branch: string, contexts: string[]): void;
  branches(repo: string): Promise<Array<{ name: string; sha: string }>>;
  fileAt(repo: string, ref: string, path: string): Promise<string | null>;
  issueComments(repo: string, issueNumber: number): SandboxIssueComment[];
  fail(operation: string, count: number, kind: Fault["kind"], retryAfter?: number): void;
  cloneUrl(repo: string): string;
  /**
   * Where the sandbox sends webhooks: people's actions always (awaited by the helper), events
   * the app's own writes cause only with `appEvents: true` (queued; see webhooksSettled).
   */
  setWebhookTarget(target: WebhookTarget | null): void;
  /** waits for every queued webhook to be answered; throws listing app events the app refused */
  webhooksSettled(): Promise<void>;
  /** an installation's primary limit now, as its x-ratelimit-* headers report it */
  rateLimit(
    installationId: number,
    resource: RateResource,
  ): { limit: number; used: number; remaining: number; reset: number };
  /** throws listing every fidelity failure recorded since the last call, and forgets them */
  assertFidelity(): void;
  close(): Promise<void>;
}

const APP_ID = 1_000_001;
const APP_SLUG = "orchestrate";

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const ownsDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), "orchestrate-sandbox-")));
  const projectRoot = join(dataDir, "repos");
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const state = createState({
    appId: APP_ID,
    appSlug: APP_SLUG,
    appPublicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    baseUrl: "http://127.0.0.1",
  });
  const log = opts.log ?? (() => {});
  const outbox = new WebhookOutbox(state.appId);
  const rt = createRuntime(state, { projectRoot, log, outbox });

  const server = createServer((req, res) => {
    dispatchRequest(rt, req, res).catch((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      rt.fidelity(req.method ?? "GET", req.url ?? "", `the sandbox crashed: ${message}`);
      if (!res.headersSent)
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(errorBody(500, "Server Error")));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.baseUrl = url;

  /** An `issues` webhook of the issue as it is now, for a change that removes it (null: no target). */
  const issueEventBefore = (action: string, full: string, user: string, issue: number) =>
    outbox.target
      ? buildEvent({ state }, "issues", action, { repo: full, sender: user, issue })
      : null;
  const repoOf = (full: string): SandboxRepo => {
    const [owner = "", name = ""] = full.split("/");
    const repo = findRepo(state.repos, owner, name);
    if (!repo) throw new Error(`The sandbox has no repository ${full}`);
    return repo;
  };
  // A person's action: its webhook is delivered (when a target is set) before the helper returns.
  const emit = async (event: string, action: string | undefined, targets: EventTargets) => {
    if (!outbox.target) return;
    await outbox.deliverNow(event, buildEvent({ state }, event, action, targets));
  };

  /** An installation webhook about `full`'s installation: no repository, the owner as sender. */
  const installationEvent = (event: string, action: string, full: string) => {
    const repo = repoOf(full);
    const payload = buildEvent({ state }, event, action, { repo: full, sender: repo.owner });
    delete payload["repository"];
    const installation = state.installations.get(repo.installationId);
    payload["installation"] = {
      ...(payload["installation"] as object),
      ...(installation ? installationJson(state, installation) : {}),
    };
    return payload;
  };

  const sandbox: Sandbox = {
    url,
    appId: state.appId,
    privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    state,
    deliveries: outbox.deliveries,

    createRepo: (o) => createSandboxRepo(state, projectRoot, o),

    addUser: (login, type = "User") => ensureUser(state, login, type),

    setPermission(full, login, permission) {
      ensureUser(state, login);
      repoOf(full).collaborators.set(login, permission);
    },

    setInstallationPermissions(full, permissions) {
      const installation = state.installations.get(repoOf(full).installationId);
      if (!installation) throw new Error(`${full} has no installation`);
      installation.permissions = { ...permissions };
    },

    async removeFromInstallation(full) {
      const repo = repoOf(full);
      const payload = outbox.target
        ? installationEvent("installation_repositories", "removed", full)
        : null;
      if (payload) {
        payload["repository_selection"] = "selected";
        payload["repositories_added"] = [];
        payload["repositories_removed"] = [
          {
            id: repo.id,
            node_id: repo.nodeId,
            name: repo.name,
            full_name: `${repo.owner}/${repo.name}`,
            private: repo.private,
          },
        ];
      }
      // Still on GitHub, outside every installation of the App.
      repo.installationId = nextId(state);
      if (payload) await outbox.deliverNow("installation_repositories", payload);
    },

    async suspendInstallation(full, suspended) {
      const installation = state.installations.get(repoOf(full).installationId);
      if (!installation) throw new Error(`${full} has no installation`);
      if (suspended) installation.suspendedAt = timestamp(state);
      else delete installation.suspendedAt;
      const payload = outbox.target
        ? installationEvent("installation", suspended ? "suspend" : "unsuspend", full)
        : null;
      if (payload) await outbox.deliverNow("installation", payload);
    },

    async deleteInstallation(full) {
      const repo = repoOf(full);
      const payload = outbox.target ? installationEvent("installation", "deleted", full) : null;
      state.installations.delete(repo.installationId);
      if (payload) await outbox.deliverNow("installation", payload);
    },

    setPlan(account, plan) {
      state.plans.set(account, plan);
    },

    createIssue(full, o) {
      ensureUser(state, o.user);
      return createIssue(state, repoOf(full), o);
    },

    async comment(full, issueNumber, user, body) {
      const repo = repoOf(full);
      if (!repo.issues.has(issueNumber)) throw new Error(`${full} has no issue #${issueNumber}`);
      ensureUser(state, user);
      const comment = addIssueComment(state, repo, issueNumber, user, body);
      await emit("issue_comment", "created", {
        repo: full,
        sender: user,
        issue: issueNumber,
        comment: { id: comment.id, body },
      });
      return comment;
    },

    async editComment(full, commentId, user, body) {
      const repo = repoOf(full);
      const comment = repo.issueComments.get(commentId);
      if (!comment) throw new Error(`${full} has no issue comment ${commentId}`);
      ensureUser(state, user);
      const from = comment.body;
      comment.body = body;
      comment.updatedAt = timestamp(state);
      comment.history.push(body);
      if (!outbox.target) return comment;
      const payload = buildEvent({ state }, "issue_comment", "edited", {
        repo: full,
        sender: user,
        issue: comment.issueNumber,
        comment: { id: comment.id, body },
      });
      payload["changes"] = { body: { from } };
      await outbox.deliverNow("issue_comment", payload);
      return comment;
    },

    async addLabel(full, issueNumber, label, user) {
      const repo = repoOf(full);
      const issue = repo.issues.get(issueNumber);
      if (!issue) throw new Error(`${full} has no issue #${issueNumber}`);
      ensureUser(state, user);
      issue.labels = useLabels(state, repo, [...issue.labels, label]);
      issue.updatedAt = timestamp(state);
      await emit("issues", "labeled", { repo: full, sender: user, issue: issueNumber, label });
    },

    async postReview(full, pull, o) {
      const repo = repoOf(full);
      ensureUser(state, o.user);
      const { review, threads, comments } = await people.postReview(state, repo, pull, o);
      await emit("pull_request_review", "submitted", {
        repo: full,
        sender: o.user,
        review: review.id,
      });
      for (const c of comments) {
        await emit("pull_request_review_comment", "created", {
          repo: full,
          sender: o.user,
          comment: { id: c.id, body: c.body },
        });
      }
      return { review, threads };
    },

    async replyInThread(full, threadId, user, body) {
      const repo = repoOf(full);
      ensureUser(state, user);
      const { review, comment } = people.replyInThread(state, repo, threadId, user, body);
      await emit("pull_request_review", "submitted", {
        repo: full,
        sender: user,
        review: review.id,
      });
      await emit("pull_request_review_comment", "created", {
        repo: full,
        sender: user,
        comment: { id: comment.id, body },
      });
      return comment;
    },

    async setThreadResolved(full, threadId, resolved, by) {
      const repo = repoOf(full);
      ensureUser(state, by);
      people.setThreadResolved(repo, threadId, resolved, by);
      await emit("pull_request_review_thread", resolved ? "resolved" : "unresolved", {
        repo: full,
        sender: by,
        thread: threadId,
      });
    },

    async closeIssue(full, issueNumber, user, reason = "completed") {
      const repo = repoOf(full);
      ensureUser(state, user);
      closeIssue(state, repo, issueNumber, reason);
      await emit("issues", "closed", { repo: full, sender: user, issue: issueNumber });
    },

    async editIssue(full, issueNumber, user, o) {
      const repo = repoOf(full);
      ensureUser(state, user);
      const issue = requireIssue(repo, issueNumber);
      const changes: Record<string, { from: string }> = {};
      if (o.title !== undefined && o.title !== issue.title) {
        changes["title"] = { from: issue.title };
        issue.title = o.title;
      }
      if (o.body !== undefined && o.body !== issue.body) {
        changes["body"] = { from: issue.body };
        issue.body = o.body;
      }
      issue.updatedAt = timestamp(state);
      if (Object.keys(changes).length === 0 || !outbox.target) return;
      const payload = buildEvent({ state }, "issues", "edited", {
        repo: full,
        sender: user,
        issue: issueNumber,
      });
      payload["changes"] = changes;
      await outbox.deliverNow("issues", payload);
    },

    async deleteIssue(full, issueNumber, user) {
      const repo = repoOf(full);
      ensureUser(state, user);
      requireIssue(repo, issueNumber);
      // GitHub's payload is the issue as it was; built before it is gone.
      const payload = issueEventBefore("deleted", full, user, issueNumber);
      deleteIssue(repo, issueNumber);
      if (payload) await outbox.deliverNow("issues", payload);
    },

    async transferIssue(full, issueNumber, toFull, user) {
      const from = repoOf(full);
      const to = repoOf(toFull);
      ensureUser(state, user);
      requireIssue(from, issueNumber);
      const payload = issueEventBefore("transferred", full, user, issueNumber);
      const moved = transferIssue(state, from, issueNumber, to);
      if (payload) {
        payload["changes"] = {
          new_issue: issueJson(state, to, moved),
          new_repository: repositoryJson(state, to),
        };
        await outbox.deliverNow("issues", payload);
      }
      return moved;
    },

    async closePull(full, pull, merged = false) {
      const repo = repoOf(full);
      await rt.services.withRepoLock(repo, () =>
        people.closePull(state, repo, pull, merged, repo.owner),
      );
      await emit("pull_request", "closed", { repo: full, sender: repo.owner, pull });
      // merging moved the base branch: other pull requests follow it
      await rt.syncAndNotify(repo, repo.owner);
    },

    async openPull(full, o) {
      const repo = repoOf(full);
      const [headOwner, headBranch] = o.head.includes(":")
        ? (o.head.split(":", 2) as [string, string])
        : [repo.owner, o.head];
      const headRepo = findHeadRepo(state, repo, headOwner);
      if (!headRepo) throw new Error(`openPull: ${headOwner} has no fork of ${full}`);
      const base = o.base ?? repo.defaultBranch;
      const [headSha, baseSha] = await Promise.all([
        new BareRepo(headRepo.gitDir).resolve(`refs/heads/${headBranch}`),
        new BareRepo(repo.gitDir).resolve(`refs/heads/${base}`),
      ]);
      if (!headSha || !baseSha) throw new Error(`openPull: no branch ${headSha ? base : o.head}`);
      ensureUser(state, o.user);
      const fromFork = headRepo !== repo;
      const pull = createPull(state, repo, {
        title: o.title,
        body: o.body ?? "",
        user: o.user,
        head: headBranch,
        base,
        headSha,
        baseSha,
        draft: o.draft ?? false,
        ...(fromFork ? { headRepo, maintainerCanModify: o.maintainerCanModify ?? true } : {}),
      });
      if (fromFork) await fetchForkHead(state, repo, pull, headSha);
      await emit("pull_request", "opened", { repo: full, sender: o.user, pull: pull.number });
      return pull;
    },

    forkRepo: (full, o) => forkRepo(state, projectRoot, repoOf(full), o),

    setMaintainerCanModify(full, number, allowed) {
      const pull = repoOf(full).pulls.get(number);
      if (pull?.headRepoId === undefined) throw new Error(`${full}#${number} is not from a fork`);
      pull.maintainerCanModify = allowed;
      pull.updatedAt = timestamp(state);
    },

    async deleteRepo(full) {
      const repo = repoOf(full);
      for (const [key, r] of state.repos) if (r === repo) state.repos.delete(key);
      await rm(repo.gitDir, { recursive: true, force: true });
    },

    async commit(full, o) {
      const repo = repoOf(full);
      const git = new BareRepo(repo.gitDir);
      if (!(await git.resolve(`refs/heads/${o.branch}`))) {
        const base = await git.resolve(`refs/heads/${repo.defaultBranch}`);
        if (base) await git.updateRef(`refs/heads/${o.branch}`, base, "");
      }
      const author = o.author ?? repo.owner;
      const sha = await git.commitFiles({
        branch: o.branch,
        files: o.files,
        message: o.message,
        author: { name: author, email: `${author}@users.noreply.github.com` },
      });
      await rt.syncAndNotify(repo, author);
      return sha;
    },

    async forcePush(full, o) {
      const repo = repoOf(full);
      const git = new BareRepo(repo.gitDir);
      await git.updateRef(`refs/heads/${o.branch}`, o.onto);
      const author = o.author ?? repo.owner;
      const sha = await git.commitFiles({
        branch: o.branch,
        files: o.files,
        message: o.message,
        author: { name: author, email: `${author}@users.noreply.github.com` },
      });
      await rt.syncAndNotify(repo, author);
      return sha;
    },

    async deleteBranch(full, branch) {
      const repo = repoOf(full);
      await new BareRepo(repo.gitDir).deleteRef(`refs/heads/${branch}`);
      await rt.syncAndNotify(repo, repo.owner);
    },

    async setCi(full, ci) {
      const repo = repoOf(full);
      const actions = actionsOf(repo);
      actions.ci = ci;
      // Heads pushed before the workflow existed are not run.
      for (const b of await new BareRepo(repo.gitDir).branches()) actions.seen.set(b.name, b.sha);
    },

    ciSettled: () => rt.services.actions.settled(),

    async postStatus(full, sha, o) {
      const repo = repoOf(full);
      ensureUser(state, o.user);
      const status = addStatus(state, repo, {
        sha,
        state: o.state,
        context: o.context,
        description: null,
        targetUrl: null,
        creator: o.user,
      });
      if (outbox.target) {
        await outbox.deliverNow("status", await statusEventWithBranches(state, repo, status));
      }
    },

    setRequiredChecks(full, branch, contexts) {
      actionsOf(repoOf(full)).requiredChecks.set(branch, contexts);
    },

    branches: (full) => new BareRepo(repoOf(full).gitDir).branches(),

    async fileAt(full, ref, path) {
      const git = new BareRepo(repoOf(full).gitDir);
      const commit = await git.resolve(ref);
      if (!commit) return null;
      const entry = await git.readPath(commit, path);
      return entry?.type === "file" ? entry.content.toString("utf8") : null;
    },

    issueComments: (full, issueNumber) =>
      [...repoOf(full).issueComments.values()]
        .filter((c) => c.issueNumber === issueNumber)
        .sort((a, b) => a.id - b.id),

    fail: (operation, count, kind, retryAfter) =>
      addFault(state, operation, count, kind, retryAfter),

    cloneUrl(full) {
      const repo = repoOf(full);
      return `${url}/${repo.owner}/${repo.name}.git`;
    },

    setWebhookTarget(target) {
      outbox.target = target;
    },

    webhooksSettled: () => outbox.settled(),

    rateLimit(installationId, resource) {
      return rt.services.rateLimits.snapshot(installationId, resource);
    },
    assertFidelity() {
      const failures = state.fidelityFailures.splice(0);
      if (failures.length > 0) throw new Error(describe(failures));
    },

    async close() {
      await rt.services.actions.close();
      // let queued deliveries finish; their failures were the test's to ask about
      await outbox.settled().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return sandbox;
}

function describe(failures: FidelityFailure[]): string {
  const lines = failures.map((f) => `  ${f.method} ${f.path}: ${f.reason}`);
  return `The sandbox saw ${failures.length} request(s) or answer(s) that would not work on github.com:\n${lines.join("\n")}`;
}
