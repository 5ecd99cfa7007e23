import { join } from "node:path";
import { ensureUser } from "./createState.js";
import { emptyRepoContents } from "./emptyRepoContents.js";
import { BareRepo } from "./git/bareRepo.js";
import { findRepo } from "./rest/requireRepo.js";
import { nextId, nodeId, type SandboxRepo, type SandboxState } from "./state.js";
import { timestamp } from "./timestamp.js";

export interface CreateRepoOptions {
  owner: string;
  name: string;
  /** "main" by default */
  defaultBranch?: string;
  /** the initial commit's files; a README.md by default */
  files?: Record<string, string>;
  /** the app installation that can see the repository; the owner's (made on first use) by default */
  installationId?: number;
  /** false by default; outsiders can read public repositories */
  private?: boolean;
}

/** A repository as GitHub would have it after "create with a first commit" and installing the app. */
export async function createSandboxRepo(
  state: SandboxState,
  projectRoot: string,
  o: CreateRepoOptions,
): Promise<SandboxRepo> {
  const defaultBranch = o.defaultBranch ?? "main";
  const key = `${o.owner}/${o.name}`;
  if (findRepo(state.repos, o.owner, o.name)) throw new Error(`${key} already exists`);
  ensureUser(state, o.owner);
  const installationId = o.installationId ?? installationFor(state, o.owner);
  if (!state.installations.has(installationId)) {
    state.installations.set(installationId, {
      id: installationId,
      account: o.owner,
      tokens: new Map(),
      createdAt: timestamp(state),
    });
  }
  const gitDir = join(projectRoot, o.owner, `${o.name}.git`);
  const git = await BareRepo.create(gitDir, defaultBranch);
  await git.commitFiles({
    branch: defaultBranch,
    files: o.files ?? { "README.md": `# ${o.name}\n` },
    message: "Initial commit",
    author: { name: o.owner, email: `${o.owner}@users.noreply.github.com` },
  });
  const id = nextId(state);
  const now = timestamp(state);
  const repo: SandboxRepo = {
    id,
    nodeId: nodeId("R", id),
    owner: o.owner,
    name: o.name,
    defaultBranch,
    gitDir,
    private: o.private ?? false,
    installationId,
    collaborators: new Map([[o.owner, "admin"]]),
    ...emptyRepoContents(),
    createdAt: now,
    pushedAt: now,
    branchHeads: new Map((await git.branches()).map((b) => [b.name, b.sha])),
  };
  state.repos.set(key, repo);
  return repo;
}

/** One installation per account, made on first use. */
function installationFor(state: SandboxState, account: string): number {
  for (const installation of state.installations.values()) {
    if (installation.account === account) return installation.id;
  }
  return nextId(state);
}
