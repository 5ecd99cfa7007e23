import type { SandboxRepo } from "../state.js";

/** GitHub's author_association of a login towards a repository. */
export function authorAssociation(repo: SandboxRepo, login: string): string {
  if (login === repo.owner) return "OWNER";
  const permission = repo.collaborators.get(login);
  if (permission && permission !== "none") return "COLLABORATOR";
  return "NONE";
}
