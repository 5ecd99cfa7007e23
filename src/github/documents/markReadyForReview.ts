/** Takes a draft pull request out of draft; REST's pulls.update cannot. */
export const markReadyForReview = `mutation MarkReadyForReview($id: ID!) {
  markPullRequestReadyForReview(input: { pullRequestId: $id }) {
    pullRequest { isDraft }
  }
}`;
