import { describe, expect, it } from "vitest";
import { githubSchema, validateGithubDocument } from "../../src/sandbox/graphql/githubSchema.js";

describe("githubSchema", () => {
  it("is GitHub's published schema, built once", () => {
    const schema = githubSchema();
    expect(githubSchema()).toBe(schema);
    const thread = schema.getType("PullRequestReviewThread");
    expect(thread?.toString()).toBe("PullRequestReviewThread");
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {})).toEqual(
      expect.arrayContaining([
        "resolveReviewThread",
        "unresolveReviewThread",
        "addPullRequestReviewThreadReply",
      ]),
    );
  });
});

describe("validateGithubDocument", () => {
  it("accepts the documents a review-thread poller and its mutations send", () => {
    expect(
      validateGithubDocument(`query Threads($owner: String!, $name: String!, $number: Int!, $after: String) {
        rateLimit { cost remaining resetAt }
        repository(owner: $owner, name: $name) {
          pullRequest(number: $number) {
            id updatedAt headRefOid
            reviewThreads(first: 100, after: $after) {
              totalCount
              pageInfo { hasNextPage endCursor }
              nodes {
                id isResolved isOutdated path line originalLine diffSide
                comments(first: 50) { nodes { id databaseId body author { __typename login } url createdAt } }
              }
            }
          }
        }
      }`),
    ).toEqual([]);
    expect(
      validateGithubDocument(`mutation Reply($thread: ID!, $body: String!) {
        addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $thread, body: $body }) { comment { id url } }
        resolveReviewThread(input: { threadId: $thread }) { thread { id isResolved } }
      }`),
    ).toEqual([]);
  });

  it("returns GitHub's messages for what GitHub would refuse", () => {
    expect(
      validateGithubDocument(
        `{ repository(owner: "a", name: "b") { pullRequest(number: 1) { foo } } }`,
      ),
    ).toEqual(["Field 'foo' doesn't exist on type 'PullRequest'"]);
    expect(validateGithubDocument("{ repository(")).toEqual(["Unexpected end of document"]);
  });

  it("applies the pagination rules that need no variables", () => {
    expect(
      validateGithubDocument(
        `{ repository(owner: "a", name: "b") { pullRequests(first: 101) { nodes { id } } } }`,
      ),
    ).toEqual([
      "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
    ]);
    expect(
      validateGithubDocument(`query { repository(owner: "a", name: "b") { ...PR } }
        fragment PR on Repository { pullRequests(last: 5) { nodes { reviewThreads { edges { node { id } } } } } }`),
    ).toEqual([
      "You must provide a `first` or `last` value to properly paginate the `reviewThreads` connection.",
    ]);
    // a bare count needs no page size; a page size from a variable is judged at run time
    expect(
      validateGithubDocument(`query($n: Int!) { repository(owner: "a", name: "b") {
        pullRequests(states: OPEN) { totalCount } issues(first: $n) { nodes { id } } } }`),
    ).toEqual([]);
  });
});
