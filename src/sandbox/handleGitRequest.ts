import { grantAllows, liveToken } from "./auth.js";
import { takeFault } from "./faults.js";
import { serveGitHttp } from "./git/gitHttp.js";
import { WORKFLOWS_ENV } from "./git/workflowHook.js";
import { findRepo } from "./rest/requireRepo.js";
import { type Exchange, record, type SandboxRuntime } from "./runtime.js";

// Git smart HTTP at /{owner}/{repo}.git/..., authenticated like github.com: HTTP Basic with the
// installation token as password (user `x-access-token`), or the token as user name.

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
  const scope = repo ? grantAllows(live.grant, repo.id, null, "read") : "no-repo";
  if (!repo || repo.installationId !== installationId || !SMART_PATHS.has(rest) || scope !== "ok") {
    plain(404, "Repository not found.\n");
    record(rt, ex, { operation: "git", status: 404, installationId, cost: 0, body: null });
    return;
  }
  // Fetching needs contents: read, pushing contents: write; GitHub answers 403 with this text.
  const pushing =
    rest === "/git-receive-pack" || ex.url.searchParams.get("service") === "git-receive-pack";
  if (grantAllows(live.grant, repo.id, "contents", pushing ? "write" : "read") !== "ok") {
    plain(
      403,
      `Permission to ${repo.owner}/${repo.name}.git denied to ${rt.state.appSlug}[bot].\n`,
    );
    record(rt, ex, { operation: "git", status: 403, installationId, cost: 0, body: null });
    return;
  }
  const fault = takeFault(rt.state, "git", ex.requestId);
  if (fault) {
    plain(fault.status, `${fault.body.message}\n`, fault.headers);
    record(rt, ex, { operation: "git", status: fault.status, installationId, cost: 0, body: null });
    return;
  }
  const status = await serveGitHttp(
    ex.req,
    ex.res,
    {
      projectRoot: rt.projectRoot,
      // the on-disk name, whatever case the client used
      pathInfo: `/${repo.owner}/${repo.name}.git${rest}`,
      query: ex.url.search.replace(/^\?/, ""),
      remoteUser: "x-access-token",
      // An installation token pushes as the App: its workflow files need `workflows: write`.
      hookEnv: {
        [WORKFLOWS_ENV]:
          grantAllows(live.grant, repo.id, "workflows", "write") === "ok" ? "write" : "none",
      },
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
