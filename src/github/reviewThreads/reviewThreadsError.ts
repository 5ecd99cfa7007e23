export type ReviewThreadsErrorCode =
  /** GitHub answered a GraphQL call with errors and nothing usable */
  | "GRAPHQL_ERRORS"
  /** GitHub's answer did not have the shape the document asks for */
  | "UNEXPECTED_RESPONSE"
  /** the thread id resolves to nothing this installation can see */
  | "THREAD_NOT_FOUND";

/** A failure of the review-thread port, with a stable code and GitHub's own words. */
export class ReviewThreadsError extends Error {
  readonly code: ReviewThreadsErrorCode;

  constructor(code: ReviewThreadsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReviewThreadsError";
    this.code = code;
  }
}
