/** A reply at the end of a thread, as the app's bot (a mutation: 1 point, and a content write). */
export const REPLY_TO_THREAD_DOCUMENT = `mutation ReplyToThread($threadId: ID!, $body: String!) {
  addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $threadId, body: $body }) {
    comment { id url }
  }
}
`;
