/** The fields of a review comment the port reads, shared by the detail documents. */
export const THREAD_COMMENT_FIELDS = `fragment ThreadCommentFields on PullRequestReviewComment {
  id
  databaseId
  body
  createdAt
  url
  author { __typename login }
  pullRequestReview { id }
}
`;
