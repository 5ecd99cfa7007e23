import { THREAD_COMMENT_FIELDS } from "./threadCommentFields.js";

// Threads by id, with their first 100 comments; asked only for threads that are new or changed.
//
// Cost: `comments(first: 100)` under `nodes(ids:)` is one request per id, so up to 100 threads
// cost 1 point together, where asking one thread at a time costs 1 point each. `diffHunk` is
// read on every comment (the thread has none of its own) because a second `comments(first: 1)`
// connection for the first comment alone would double the requests.
export const THREAD_DETAILS_DOCUMENT = `query ThreadDetails($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on PullRequestReviewThread {
      id
      path
      line
      originalLine
      isResolved
      isOutdated
      comments(first: 100) {
        pageInfo { hasNextPage endCursor }
        nodes { ...ThreadCommentFields diffHunk }
      }
    }
  }
}

${THREAD_COMMENT_FIELDS}`;
