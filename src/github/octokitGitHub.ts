import type { ProbotOctokit } from "probot";
import { readBaseStanding } from "./baseStanding.js";
import { markReadyForReview } from "./documents/markReadyForReview.js";
import { DraftsUnsupportedError } from "./draftsUnsupportedError.js";
import type {
  CheckRunInput,
  ExistingComment,
  GitHubPort,
  IssueInfo,
  MintedToken,
  NoticeOption,
  PullInfo,
  ReactionContent,
  RepoCoordinates,
  RepoInfo,
  RepoPermission,
} from "./githubPort.js";
import { octokitCiChecks } from "./octokitCiChecks.js";

/**
 * A repository's URLs, default branch and visibility rarely change, and every publish and task
 * needs them: each process asks GitHub once per REPO_INFO_MS, not once per use, so tens of
 * active runs stay within an installation's 5,000 requests an hour.
 */
const repoInfos = new Map<string, { info: RepoInfo; until: number }>();
const REPO_INFO_MS = 5 * 60_000;

/** Bot user ids by login: they never change, so each process asks GitHub once. */
const botIds = new Map<string, number>();

/** GitHubPort over an installation-authenticated Octokit (Probot's, with its retry/throttle). */
export function octokitGitHub(
  octokit: ProbotOctokit,
  appLogin: string,
  /** mints a narrowed token for one git operation (the App's JWT is needed for that) */
  gitToken: (repo: RepoCoordinates, access: "read" | "write") => Promise<MintedToken>,
  /** what the installation granted; unknown (nothing beyond app.yml's defaults) when not given */
  granted: () => Promise<Record<string, string>> = async () => ({}),
): GitHubPort {
  const rest = octokit.rest;
  const appSlug = appLogin.replace(/\[bot\]$/, "");
  return {
    appLogin,
    ci: octokitCiChecks(octokit),
    async canPushWorkflows() {
      // Unknown (GitHub failed the read) counts as no: the agent is told to leave them alone.
      const permissions = await granted().catch(() => ({}) as Record<string, string>);
      return permissions["workflows"] === "write";
    },
    async permissionOf({ owner, repo }, username) {
      try {
        const { data } = await rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
        return data.permission as RepoPermission;
      } catch (error) {
        if (statusOf(error) === 404) return "none";
        throw error;
      }
    },
    async repoInfo({ owner, repo }): Promise<RepoInfo> {
      // Keyed by the GitHub too: one process may speak to more than one (tests, simulate).
      const key = `${octokit.request.endpoint.DEFAULTS.baseUrl} ${owner}/${repo}`.toLowerCase();
      const cached = repoInfos.get(key);
      if (cached && cached.until > Date.now()) return cached.info;
      const { data } = await rest.repos.get({ owner, repo });
      const info = {
        defaultBranch: data.default_branch,
        cloneUrl: data.clone_url,
        htmlUrl: data.html_url,
        private: data.private,
      };
      repoInfos.set(key, { info, until: Date.now() + REPO_INFO_MS });
      return info;
    },
    async issue({ owner, repo }, number): Promise<IssueInfo> {
      const { data } = await rest.issues.get({ owner, repo, issue_number: number });
      return {
        number: data.number,
        title: data.title,
        body: data.body ?? "",
        author: data.user?.login ?? "ghost",
        isPullRequest: Boolean(data.pull_request),
        state: data.state === "closed" ? "closed" : "open",
      };
    },
    async fileContent({ owner, repo }, path, ref) {
      try {
        const { data } = await rest.repos.getContent({
          owner,
          repo,
          path,
          ...(ref ? { ref } : {}),
        });
        if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
        return Buffer.from(data.content, "base64").toString("utf8");
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },
    async createComment({ owner, repo }, issue, body, o) {
      const { data } = await rest.issues.createComment({
        owner,
        repo,
        issue_number: issue,
        body,
        ...noticeRequest(o),
      });
      return { id: data.id, url: data.html_url };
    },
    async updateComment({ owner, repo }, commentId, body, o) {
      await rest.issues.updateComment({
        owner,
        repo,
        comment_id: commentId,
        body,
        ...noticeRequest(o),
      });
    },
    async listComments({ owner, repo }, issue, o): Promise<ExistingComment[]> {
      const data = await octokit.paginate(rest.issues.listComments, {
        owner,
        repo,
        issue_number: issue,
        per_page: 100,
        ...noticeRequest(o),
      });
      return data.map((c) => ({
        id: c.id,
        url: c.html_url,
        body: c.body ?? "",
        author: c.user?.login ?? "ghost",
        authorType: c.user?.type ?? "User",
      }));
    },
    async reactToIssue({ owner, repo }, issue, content: ReactionContent) {
      await rest.reactions.createForIssue({ owner, repo, issue_number: issue, content });
    },
    async reactToComment({ owner, repo }, commentId, content: ReactionContent) {
      await rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content });
    },
    async pull({ owner, repo }, number) {
      const { data } = await rest.pulls.get({ owner, repo, pull_number: number });
      return pullInfo(data);
    },
    async findPull({ owner, repo }, branch, headOwner) {
      const { data } = await rest.pulls.list({
        owner,
        repo,
        head: `${headOwner ?? owner}:${branch}`,
        state: "all",
        per_page: 100,
      });
      const pick = data.find((p) => p.state === "open") ?? data[0];
      return pick ? pullInfo(pick) : null;
    },
    async createPull({ owner, repo }, o) {
      try {
        const { data } = await rest.pulls.create({ owner, repo, ...o });
        return pullInfo(data);
      } catch (error) {
        if (
          o.draft &&
          statusOf(error) === 422 &&
          /draft pull requests are not supported/i.test(String((error as Error).message))
        ) {
          throw new DraftsUnsupportedError({ cause: error });
        }
        throw error;
      }
    },
    async updatePull({ owner, repo }, number, o) {
      await rest.pulls.update({ owner, repo, pull_number: number, ...o });
    },
    async createBranch({ owner, repo }, branch, sha) {
      await rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
    },
    async pullFiles({ owner, repo }, number) {
      const files = await octokit.paginate(rest.pulls.listFiles, {
        owner,
        repo,
        pull_number: number,
        per_page: 100,
      });
      return files.map((f) => f.filename);
    },
    baseStanding: (coordinates, number) => readBaseStanding(rest, coordinates, number),
    async branchTip({ owner, repo }, branch, etag) {
      try {
        const { data, headers } = await rest.repos.getBranch({
          owner,
          repo,
          branch,
          ...(etag ? { headers: { "if-none-match": etag } } : {}),
        });
        return { sha: data.commit.sha, etag: headers.etag ?? null };
      } catch (error) {
        if (statusOf(error) === 304) return null;
        throw error;
      }
    },
    async markReadyForReview(pullNodeId) {
      await octokit.graphql(markReadyForReview, { id: pullNodeId });
    },
    async createCheckRun({ owner, repo }, check) {
      // Looks first: a create whose answer was lost (a 5xx after GitHub made the check run) is
      // retried by its job, and must find that check run rather than add a second one.
      if (check.externalId) {
        const { data: found } = await rest.checks.listForRef({
          owner,
          repo,
          ref: check.headSha,
          check_name: check.name,
          filter: "all",
          per_page: 100,
        });
        const mine = found.check_runs.find(
          (c) => c.external_id === check.externalId && c.app?.slug === appSlug,
        );
        if (mine) {
          await rest.checks.update({ owner, repo, check_run_id: mine.id, ...checkFields(check) });
          return mine.id;
        }
      }
      const { data } = await rest.checks.create({
        owner,
        repo,
        head_sha: check.headSha,
        ...checkFields(check),
      });
      return data.id;
    },
    async updateCheckRun({ owner, repo }, id, check) {
      await rest.checks.update({ owner, repo, check_run_id: id, ...checkFields(check) });
    },
    gitToken,
    async botIdentity() {
      // GitHub links a commit to the bot by this address: the bot user's id, then its login.
      let id = botIds.get(appLogin);
      if (id === undefined) {
        id = (await rest.users.getByUsername({ username: appLogin })).data.id;
        botIds.set(appLogin, id);
      }
      return { name: appLogin, email: `${id}+${appLogin}@users.noreply.github.com` };
    },
  };
}

/** Marks a request as a status notice for the request gate (requestGate.ts). */
function noticeRequest(o: NoticeOption | undefined) {
  return o?.notice ? { request: { orchestrateNotice: true } } : {};
}

function checkFields(check: CheckRunInput) {
  return {
    name: check.name,
    status: check.status,
    ...(check.conclusion ? { conclusion: check.conclusion } : {}),
    ...(check.status === "completed" ? { completed_at: new Date().toISOString() } : {}),
    ...(check.detailsUrl ? { details_url: check.detailsUrl } : {}),
    ...(check.externalId ? { external_id: check.externalId } : {}),
    output: { title: check.title, summary: check.summary },
  };
}

interface RestPull {
  number: number;
  node_id: string;
  html_url: string;
  state: string;
  merged_at: string | null;
  draft?: boolean | undefined;
  head: {
    ref: string;
    sha: string;
    label: string;
    // null for a fork that was deleted, whatever GitHub's description says
    repo: {
      full_name: string;
      name: string;
      owner: { login: string };
      clone_url: string;
      default_branch: string;
      html_url: string;
    } | null;
  };
  base: { ref: string; repo: { full_name: string } };
  body: string | null;
  maintainer_can_modify?: boolean;
}

function pullInfo(p: RestPull): PullInfo {
  const headRepo = (p.head.repo ?? null) as RestPull["head"]["repo"];
  return {
    number: p.number,
    nodeId: p.node_id,
    url: p.html_url,
    state: p.state === "closed" ? "closed" : "open",
    merged: Boolean(p.merged_at),
    draft: Boolean(p.draft),
    head: p.head.ref,
    headSha: p.head.sha,
    base: p.base.ref,
    body: p.body ?? "",
    headRepo: headRepo
      ? {
          owner: headRepo.owner.login,
          repo: headRepo.name,
          cloneUrl: headRepo.clone_url,
          defaultBranch: headRepo.default_branch,
          htmlUrl: headRepo.html_url,
        }
      : null,
    headOwner: p.head.label.split(":")[0] || (headRepo?.owner.login ?? ""),
    fromFork: headRepo === null || headRepo.full_name !== p.base.repo.full_name,
    // pulls.list leaves it out; only a fork's PR can have it set
    maintainerCanModify: p.maintainer_can_modify === true,
  };
}

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "status" in error
    ? Number((error as { status: unknown }).status)
    : undefined;
}
