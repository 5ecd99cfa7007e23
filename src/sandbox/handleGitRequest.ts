import { grantAllows, liveToken } from "./auth.js";
import { takeFault } from "./faults.js";
import { maintainerPushBranches } from "./forks/maintainerPushBranches.js";
import { serveGitHttp } from "./git/gitHttp.js";
import { pushedRefs } from "./git/pushedRefs.js";
import { refusedPushReport } from "./git/refusedPushReport.js";
import { WORKFLOWS_ENV } from "./git/workflowHook.js";
import { findRepo } from "./rest/requireRepo.js";
import { type Exchange, readBody, record, type SandboxRuntime } from "./runtime.js";

// Git smart HTTP at /{owner}/{repo}.git/..., authenticated like github.com: HTTP Basic with the
// installation token as password (user `x-access-token`), or the token as user name. A token
// reaches its installation's repositories, any public repository to fetch, and a fork's pull
// request branches that allow maintainer edits to push.

const GIT_PATH = /^\/([^/]+)\/([^/]+)\.git(\/.*)$/;
const SMART_PATHS = new Set(["/info/refs", "/git-upload-pack", "/git-receive-pack"]);

export function isGitPath(path: string): boolean {
  return GIT_PATH.test(path);
}

export async function handleGitRequest(rt: SandboxRuntime, ex: Exchange): Promise<void> {
  const m = GIT_PATH.exec(ex.path);
  const owner = decodeURIComponent(m?.[1] ?? "");
  const name = decodeURIComponent(m?.[2] ?? "");
  const rest = m?.[3] ?? "";
  const plain = (status: number, text: string, headers: Record<string, string> = {}) => {
    ex.req.resume();
    ex.res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "x-github-request-id": ex.requestId,
      ...headers,
    });
    ex.res.end(text);
  };
  const token = basicToken(ex.req.headers.authorization);
  const live = token ? liveToken(rt.state, token) : null;
  const installationId = live?.installationId ?? null;
  if (live === null || installationId === null) {
    plain(
      401,
      token
        ? "Invalid username or token. Password authentication is not supported for Git operations.\n"
        : "Authentication required\n",
      {
        "www-authenticate": 'Basic realm="GitHub"',
      },
    );
    record(rt, ex, { operation: "git", status: 401, installationId: null, cost: 0, body: null });
    return;
  }
  const repo = findRepo(rt.state.repos, owner, name);
  if (!repo || !SMART_PATHS.has(rest)) {
    plain(404, "Repository not found.\n");
    record(rt, ex, { operation: "git", status: 404, installationId, cost: 0, body: null });
    return;
  }
  const installed =
    repo.installationId === installationId &&
    grantAllows(live.grant, repo.id, null, "read") === "ok";
  // A repository outside the token's reach: public ones can be fetched by anyone; a fork's PR
  // head branches may be pushed as a maintainer's edit (see maintainerPushBranches).
  const maintainer = installed
    ? null
    : maintainerPushBranches(rt.state, installationId, live.grant, repo);
  if (!installed && repo.private && maintainer?.branches.size === 0) {
    plain(404, "Repository not found.\n");
    record(rt, ex, { operation: "git", status: 404, installationId, cost: 0, body: null });
    return;
  }
  // Fetching needs contents: read, pushing contents: write; GitHub answers 403 with this text.
  const pushing =
    rest === "/git-receive-pack" || ex.url.searchParams.get("service") === "git-receive-pack";
  const denied = () => {
    plain(
      403,
      `Permission to ${repo.owner}/${repo.name}.git denied to ${rt.state.appSlug}[bot].\n`,
    );
    record(rt, ex, { operation: "git", status: 403, installationId, cost: 0, body: null });
  };
  const allowed = maintainer
    ? !pushing || maintainer.branches.size > 0
    : grantAllows(live.grant, repo.id, "contents", pushing ? "write" : "read") === "ok";
  if (!allowed) {
    denied();
    return;
  }
  const fault = takeFault(rt.state, "git", ex.requestId);
  if (fault) {
    plain(fault.status, `${fault.body.message}\n`, fault.headers);
    record(rt, ex, { operation: "git", status: fault.status, installationId, cost: 0, body: null });
    return;
  }
  // A maintainer's push to a fork may update the PR head branches and nothing else: the
  // command list at the start of the request says which refs it updates, and GitHub refuses
  // the others ref by ref.
  let body: Buffer | undefined;
  if (maintainer && rest === "/git-receive-pack") {
    body = await readBody(ex.req);
    const push = pushedRefs(body, ex.req.headers["content-encoding"]);
    if (!push) {
      denied();
      return;
    }
    const refused = (ref: string) => {
      const command = push.commands.find((c) => c.ref === ref);
      return (
        command?.deletes !== false ||
        !ref.startsWith("refs/heads/") ||
        !maintainer.branches.has(ref.slice("refs/heads/".length))
      );
    };
    if (push.commands.some((c) => refused(c.ref))) {
      ex.res.writeHead(200, {
        "content-type": "application/x-git-receive-pack-result",
        "cache-control": "no-cache",
        "x-github-request-id": ex.requestId,
      });
      ex.res.end(refusedPushReport(push, refused));
      record(rt, ex, { operation: "git", status: 200, installationId, cost: 0, body: null });
      return;
    }
  }
  // An installation token pushes as the App: its workflow files need `workflows: write`.
  const workflows = maintainer
    ? maintainer.workflows
    : grantAllows(live.grant, repo.id, "workflows", "write") === "ok";
  const status = await serveGitHttp(
    ex.req,
    ex.res,
    {
      projectRoot: rt.projectRoot,
      // the on-disk name, whatever case the client used
      pathInfo: `/${repo.owner}/${repo.name}.git${rest}`,
      query: ex.url.search.replace(/^\?/, ""),
      remoteUser: "x-access-token",
      hookEnv: { [WORKFLOWS_ENV]: workflows ? "write" : "none" },
      ...(body ? { body } : {}),
      afterReceivePack: () => rt.services.syncPulls(repo),
    },
    { "x-github-request-id": ex.requestId },
  );
  record(rt, ex, { operation: "git", status, installationId, cost: 0, body: null });
}

function basicToken(header: string | undefined): string | null {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return null;
  const decoded = Buffer.from(m[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? "" : decoded.slice(colon + 1);
  if (password && password !== "x-oauth-basic") return password;
  return user || null;
}
