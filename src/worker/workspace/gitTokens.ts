// Tokens for git over HTTPS. Each network operation asks for its own: a fetch for a token that
// can read the one repository, a push for one that can write its contents, and each is revoked
// once the command has ended, so a token seen by anyone afterwards is worthless.

export interface GitToken {
  value: string;
  /** Revokes the token at GitHub; failures are the caller's to ignore (it expires anyway). */
  revoke(): Promise<void>;
}

export type GitAccess = "read" | "write";

/** Mints a token for one git operation on the workspace's repository; null: no auth (local remotes). */
export type GitTokens = (access: GitAccess) => Promise<GitToken | null>;

/** The same token for every operation, never revoked: for local remotes and tests. */
export function fixedToken(token: string | null): GitTokens {
  return async () => (token === null ? null : { value: token, revoke: async () => undefined });
}
