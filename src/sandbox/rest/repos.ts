import { forkSource } from "../forks/forkSource.js";
import { BareRepo } from "../git/bareRepo.js";
import { commitJson } from "../shapes/commitJson.js";
import { repositoryJson } from "../shapes/repositoryJson.js";
import { repoUrls } from "../shapes/repoUrls.js";
import { userJson } from "../shapes/userJson.js";
import type { Permission, SandboxRepo } from "../state.js";
import { paginate } from "./paginate.js";
import { requireRepo } from "./requireRepo.js";
import { HttpError, json, notFound, type RouteContext, type RouteTable } from "./routeContext.js";

// Repository, contents, branches and collaborator permission. Contents and branches are read
// from the bare repository that git clients push to, so the API never disagrees with a clone.

export const repoRoutes: RouteTable = {
  "repos/get": (ctx) => {
    const repo = requireRepo(ctx);
    // The full repository names a fork's parent and the root of its network.
    const fork = forkSource(ctx.state, repo);
    return json(200, {
      ...repositoryJson(ctx.state, repo),
      ...(fork
        ? {
            parent: repositoryJson(ctx.state, fork.parent),
            source: repositoryJson(ctx.state, fork.source),
          }
        : {}),
    });
  },

  "repos/get-content": async (ctx) => {
    const repo = requireRepo(ctx);
    const git = new BareRepo(repo.gitDir);
    const ref = ctx.query.get("ref") ?? repo.defaultBranch;
    const commit = await git.resolve(ref);
    if (!commit) throw notFound(`No commit found for the ref ${ref}`);
    const path = (ctx.params["path"] ?? "").replace(/^\/+|\/+$/g, "");
    const entry = await git.readPath(commit, path);
    if (!entry) throw notFound();
    const item = (p: string, type: string, sha: string, size: number) =>
      contentItem(ctx, repo, ref, p, type, sha, size);
    if (entry.type === "dir") {
      const prefix = path ? `${path}/` : "";
      return json(
        200,
        entry.entries.map((e) => item(`${prefix}${e.name}`, e.type, e.sha, e.size)),
      );
    }
    const accept = String(ctx.headers["accept"] ?? "");
    if (/vnd\.github(\.v3)?\.raw/.test(accept)) {
      return {
        status: 200,
        raw: { contentType: "application/vnd.github.raw; charset=utf-8", data: entry.content },
      };
    }
    return json(200, {
      ...item(path, "file", entry.sha, entry.size),
      // GitHub wraps base64 content at 60 characters per line
      content: (entry.content.toString("base64").match(/.{1,60}/g) ?? [""]).join("\n"),
      encoding: "base64",
    });
  },

  "repos/list-branches": async (ctx) => {
    const repo = requireRepo(ctx);
    const { api } = repoUrls(ctx.state, repo);
    const branches = (await new BareRepo(repo.gitDir).branches()).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    const { page, headers } = paginate(ctx, branches);
    return json(
      200,
      page.map((b) => ({
        name: b.name,
        commit: { sha: b.sha, url: `${api}/commits/${b.sha}` },
        protected: false,
      })),
      headers,
    );
  },

  "repos/get-branch": async (ctx) => {
    const repo = requireRepo(ctx);
    const { api, html } = repoUrls(ctx.state, repo);
    const name = ctx.params["branch"] ?? "";
    const git = new BareRepo(repo.gitDir);
    const sha = await git.resolve(`refs/heads/${name}`);
    if (!sha) throw notFound("Branch not found");
    const url = `${api}/branches/${encodeURIComponent(name)}`;
    return json(200, {
      name,
      commit: commitJson(ctx.state, repo, await git.commit(sha)),
      _links: { self: url, html: `${html}/tree/${name}` },
      protected: false,
      protection: {
        enabled: false,
        required_status_checks: { enforcement_level: "off", contexts: [], checks: [] },
      },
      protection_url: `${url}/protection`,
    });
  },

  "repos/get-collaborator-permission-level": (ctx) => {
    const repo = requireRepo(ctx);
    const login = ctx.params["username"] ?? "";
    const user = ctx.state.users.get(login);
    if (!user) throw new HttpError(404, `${login} is not a user`);
    const role = roleOf(repo, login);
    return json(200, {
      permission: legacyPermission(role),
      role_name: role,
      user: {
        ...userJson(ctx.state, login),
        permissions: {
          admin: role === "admin",
          maintain: rank(role) >= rank("maintain"),
          push: rank(role) >= rank("write"),
          triage: rank(role) >= rank("triage"),
          pull: rank(role) >= rank("read"),
        },
        role_name: role,
      },
    });
  },
};

/** A user's role; outsiders can read a public repository and see nothing of a private one. */
export function roleOf(repo: SandboxRepo, login: string): Permission {
  if (login === repo.owner) return "admin";
  const granted = repo.collaborators.get(login);
  if (granted) return granted;
  return repo.private ? "none" : "read";
}

/** GitHub's `permission` field folds maintain into write and triage into read. */
function legacyPermission(role: Permission): "admin" | "write" | "read" | "none" {
  if (role === "admin") return "admin";
  if (role === "maintain" || role === "write") return "write";
  if (role === "triage" || role === "read") return "read";
  return "none";
}

const ORDER: Permission[] = ["none", "read", "triage", "write", "maintain", "admin"];
function rank(p: Permission): number {
  return ORDER.indexOf(p);
}

function contentItem(
  ctx: RouteContext,
  repo: SandboxRepo,
  ref: string,
  path: string,
  type: string,
  sha: string,
  size: number,
) {
  const { api, html } = repoUrls(ctx.state, repo);
  const url = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
  const htmlUrl = `${html}/${type === "dir" ? "tree" : "blob"}/${ref}/${path}`;
  return {
    type,
    size,
    name: path.split("/").pop() ?? path,
    path,
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url:
      type === "file" ? `${ctx.state.baseUrl}/raw/${repo.owner}/${repo.name}/${ref}/${path}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}
