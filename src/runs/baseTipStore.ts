/** The default branch's tip each repository had at the last poll, with GitHub's ETag for it. */
export interface BaseTipStore {
  get(repo: string): Promise<{ sha: string; etag: string | null } | null>;
  set(repo: string, tip: { sha: string; etag: string | null }): Promise<void>;
}
