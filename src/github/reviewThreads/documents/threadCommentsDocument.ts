import { THREAD_COMMENT_FIELDS } from "./threadCommentFields.js";

/** The comments of one thread past its first 100, a page (1 point) at a time. */
export const THREAD_COMMENTS_DOCUMENT = `query ThreadComments($id: ID!, $after: String!) {
  node(id: $id) {
    ... on PullRequestReviewThread {
      comments(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ...ThreadCommentFields }
      }
    }
  }
}

${THREAD_COMMENT_FIELDS}`;
