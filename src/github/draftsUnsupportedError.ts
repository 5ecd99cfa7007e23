/**
 * GitHub refused `draft: true` (422 "Draft pull requests are not supported in this
 * repository."): drafts exist in public repositories, and in private ones only on the Team and
 * Enterprise plans. Asking again will not help; a ready pull request will.
 */
export class DraftsUnsupportedError extends Error {
  readonly code = "drafts-unsupported";
  constructor(options?: { cause?: unknown }) {
    super("GitHub does not support draft pull requests in this repository", options);
    this.name = "DraftsUnsupportedError";
  }
}
