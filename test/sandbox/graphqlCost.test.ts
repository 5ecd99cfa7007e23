import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { validateGithubDocument } from "../../src/sandbox/graphql/githubSchema.js";
import { queryCost } from "../../src/sandbox/graphql/queryCost.js";

// The example in GitHub's "Rate limits and query limits for the GraphQL API", verbatim.
const DOCUMENTED_EXAMPLE = `query {
  viewer {
    login
    repositories(first: 100) {
      edges {
        node {
          id
          issues(first: 50) {
            edges {
              node {
                id
                labels(first: 60) {
                  edges {
                    node {
                      id
                      name
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`;

function threadsQuery(comments: string): string {
  return `query($owner: String!, $name: String!) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: 1) {
        reviewThreads(first: 100) { nodes { id isResolved ${comments} } }
      }
    }
  }`;
}

describe("queryCost", () => {
  it("scores GitHub's documented example at 5,101 requests and 51 points", () => {
    expect(validateGithubDocument(DOCUMENTED_EXAMPLE)).toEqual([]);
    expect(queryCost(parse(DOCUMENTED_EXAMPLE), {})).toEqual({
      requests: 5101,
      points: 51,
      nodes: 100 + 100 * 50 + 100 * 50 * 60,
    });
  });

  it("charges a nested connection once per item of the page above it, whatever its own size", () => {
    const vars = { owner: "acme", name: "widgets" };
    const without = queryCost(parse(threadsQuery("")), vars);
    const withOne = queryCost(parse(threadsQuery("comments(first: 1) { nodes { body } }")), vars);
    const withFifty = queryCost(
      parse(threadsQuery("comments(first: 50) { nodes { body } }")),
      vars,
    );
    expect(without.requests).toBe(1);
    expect(withOne.requests).toBe(101);
    expect(withFifty.requests).toBe(101);
    expect(withOne.points).toBe(1);
  });

  it("resolves first/last from variables, defaults included", () => {
    const query = `query($n: Int = 40, $m: Int!) {
      repository(owner: "a", name: "b") {
        pullRequests(first: $n) { nodes { reviewThreads(last: $m) { nodes { comments(first: 10) { totalCount } } } } }
      }
    }`;
    // requests: 1 (pullRequests) + 40 (reviewThreads) + 40*30 (comments) = 1,241
    expect(queryCost(parse(query), { n: 40, m: 30 }).requests).toBe(1241);
    expect(queryCost(parse(query), { n: 40, m: 30 }).points).toBe(12);
  });

  it("counts aliases and fragments, named and inline, as separate connections", () => {
    const query = `
      fragment Threads on PullRequest { reviewThreads(first: 100) { nodes { comments(first: 5) { nodes { id } } } } }
      query {
        repository(owner: "a", name: "b") {
          one: pullRequest(number: 1) { ...Threads }
          two: pullRequest(number: 2) { ... on PullRequest { reviewThreads(first: 100) { nodes { id } } } }
          three: pullRequest(number: 3) { ...Threads }
        }
      }`;
    // one and three: 1 + 100 each; two: 1
    expect(queryCost(parse(query), {}).requests).toBe(203);
    expect(queryCost(parse(query), {}).points).toBe(2);
  });

  it("counts a field selected twice under one response key once", () => {
    const query = `{ repository(owner: "a", name: "b") {
      pullRequests(first: 10) { totalCount }
      pullRequests(first: 10) { nodes { reviewThreads(first: 10) { totalCount } } }
    } }`;
    expect(queryCost(parse(query), {}).requests).toBe(11);
  });

  it("multiplies what sits under nodes(ids:) by the number of ids", () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest { reviewThreads(first: 100) { nodes { id } } } } }`;
    expect(queryCost(parse(query), { ids: ["a", "b", "c"] }).requests).toBe(3);
  });

  it("rounds to the nearest point with a minimum of 1, and charges a mutation 1 point", () => {
    expect(queryCost(parse("{ rateLimit { remaining } }"), {}).points).toBe(1);
    const query = `{ repository(owner: "a", name: "b") {
      pullRequests(first: 100) { nodes { reviewThreads(first: 1) { totalCount } } }
      issues(first: 49) { nodes { labels(first: 1) { totalCount } } }
    } }`;
    // 1 + 100 + 1 + 49 = 151 requests: 1.51 rounds to 2
    expect(queryCost(parse(query), {})).toMatchObject({ requests: 151, points: 2 });
    const mutation = `mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { comments(first: 100) { nodes { id } } } } }`;
    expect(queryCost(parse(mutation), { id: "x" }).points).toBe(1);
  });
});
