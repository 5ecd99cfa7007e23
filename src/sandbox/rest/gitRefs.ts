import { BareRepo, type GitRef } from "../git/bareRepo.js";
import { repoUrls } from "../shapes/repoUrls.js";
import { nodeId, type SandboxRepo, type SandboxState } from "../state.js";
import { requireRepo } from "./requireRepo.js";
import { HttpError, json, notFound, type RouteTable } from "./routeContext.js";

// The git database refs API, read and written with git itself on the bare repository, so a ref
// created here is fetchable at once and a branch pushed over HTTP shows up here.

export const gitRefRoutes: RouteTable = {
  "git/get-ref": async (ctx) => {
    const repo = requireRepo(ctx);
    const ref = `refs/${ctx.params["ref"] ?? ""}`;
    const found = (await new BareRepo(repo.gitDir).refs()).find((r) => r.ref === ref);
    if (!found) throw notFound();
    return json(200, refJson(ctx.state, repo, found));
  },

  "git/list-matching-refs": async (ctx) => {
    const repo = requireRepo(ctx);
    const prefix = `refs/${ctx.params["ref"] ?? ""}`;
    const refs = (await new BareRepo(repo.gitDir).refs())
      .filter((r) => r.ref.startsWith(prefix))
      .sort((a, b) => a.ref.localeCompare(b.ref));
    return json(
      200,
      refs.map((r) => refJson(ctx.state, repo, r)),
    );
  },

  "git/create-ref": (ctx) => {
    const repo = requireRepo(ctx);
    return ctx.services.withRepoLock(repo, async () => {
      const { ref, sha } = ctx.body as { ref: string; sha: string };
      if (!/^refs\/[^/]+\/.+/.test(ref)) {
        throw new HttpError(
          422,
          "Reference name must start with 'refs/' and have at least two slashes.",
        );
      }
      const git = new BareRepo(repo.gitDir);
      if (!(await git.resolve(sha)) || !/^[0-9a-f]{40}$/.test(sha)) {
        throw new HttpError(422, "Object does not exist");
      }
      if (!(await git.updateRef(ref, sha, "")))
        throw new HttpError(422, "Reference already exists");
      await ctx.services.syncPulls(repo);
      return json(201, refJson(ctx.state, repo, { ref, sha, type: "commit" }));
    });
  },

  "git/update-ref": (ctx) => {
    const repo = requireRepo(ctx);
    return ctx.services.withRepoLock(repo, async () => {
      const ref = `refs/${ctx.params["ref"] ?? ""}`;
      const { sha, force } = ctx.body as { sha: string; force?: boolean };
      const git = new BareRepo(repo.gitDir);
      const current = (await git.refs()).find((r) => r.ref === ref);
      if (!current) throw new HttpError(422, "Reference does not exist");
      if (!(await git.resolve(sha)) || !/^[0-9a-f]{40}$/.test(sha)) {
        throw new HttpError(422, "Object does not exist");
      }
      if (!force && !(await git.isAncestor(current.sha, sha))) {
        throw new HttpError(422, "Update is not a fast forward");
      }
      if (!(await git.updateRef(ref, sha, current.sha))) {
        throw new HttpError(409, "Reference cannot be updated");
      }
      await ctx.services.syncPulls(repo);
      return json(200, refJson(ctx.state, repo, { ref, sha, type: "commit" }));
    });
  },

  "git/delete-ref": (ctx) => {
    const repo = requireRepo(ctx);
    return ctx.services.withRepoLock(repo, async () => {
      const ref = `refs/${ctx.params["ref"] ?? ""}`;
      const git = new BareRepo(repo.gitDir);
      if (!(await git.refs()).some((r) => r.ref === ref)) {
        throw new HttpError(422, "Reference does not exist");
      }
      await git.deleteRef(ref);
      await ctx.services.syncPulls(repo);
      return { status: 204 };
    });
  },
};

function refJson(state: SandboxState, repo: SandboxRepo, ref: GitRef) {
  const { api } = repoUrls(state, repo);
  const type = ref.type || "commit";
  return {
    ref: ref.ref,
    node_id: nodeId("REF", Number.parseInt(ref.sha.slice(0, 10), 16) ^ ref.ref.length),
    url: `${api}/git/${ref.ref}`,
    object: { sha: ref.sha, type, url: `${api}/git/${type}s/${ref.sha}` },
  };
}
