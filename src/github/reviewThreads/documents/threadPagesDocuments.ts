// One page of review threads for each of up to 25 pull requests, with each thread's comment count.
//
// Cost: per alias, `reviewThreads(first: f)` is 1 request and the `comments { totalCount }`
// nested under it is f more (GitHub assumes a full page above every nested connection, even
// one that only counts). So a PR costs 1 + f requests, and f is sized by the caller to the
// threads it expects (known count + a few) rather than 100: a PR with 3 threads costs 9
// requests, not 101, and 25 such PRs fit in one 2-point call. The comment count is what tells
// a reply apart from nothing; without it a reply would need every thread's comments.
//
// `first` and `after` are variables, so each batch size has exactly one text. Sizes are exact
// (no padding): a padded alias would still cost at least 2 requests, since GitHub requires
// `first` to be 1-100.

export const MAX_THREAD_PAGES_BATCH = 25;

function threadPagesDocument(size: number): string {
  const variables: string[] = [];
  const aliases: string[] = [];
  for (let i = 0; i < size; i++) {
    variables.push(`$o${i}: String!, $r${i}: String!, $n${i}: Int!, $f${i}: Int!, $a${i}: String`);
    aliases.push(
      `  p${i}: repository(owner: $o${i}, name: $r${i}) { pullRequest(number: $n${i}) { updatedAt state reviewThreads(first: $f${i}, after: $a${i}) { ...ThreadPage } } }`,
    );
  }
  return `query ThreadPages(${variables.join(", ")}) {
  rateLimit { cost remaining resetAt }
${aliases.join("\n")}
}

fragment ThreadPage on PullRequestReviewThreadConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes { id isResolved isOutdated path line comments { totalCount } }
}
`;
}

/**
 * Index `size - 1` → document for `size` pull requests; variables `o<i>` owner, `r<i>` name,
 * `n<i>` number, `f<i>` page size (1-100), `a<i>` cursor (null for the first page).
 */
export const THREAD_PAGES_DOCUMENTS: readonly string[] = Array.from(
  { length: MAX_THREAD_PAGES_BATCH },
  (_, i) => threadPagesDocument(i + 1),
);
