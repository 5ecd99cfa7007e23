// The cheap half of every poll: has anything about these pull requests moved?
//
// Cost: GitHub charges each *connection* the product of the page sizes above it, then divides
// the sum by 100 (minimum 1 point per call). A `repository { pullRequest(number:) }` lookup is
// no connection, and neither are `updatedAt`/`state`, so a call of 250 aliased lookups sums to
// 0 requests and is charged the 1-point minimum: 0.004 point per PR. Adding even a bare
// `reviewThreads { totalCount }` would add 1 request per PR (2.5 points for 250), which is why
// threads are listed by a separate call, only for PRs that something points at.
//
// A batch is padded to one of a few fixed sizes (repeating its last PR, which is free here) so
// only those few texts are ever sent: GitHub, and the sandbox, parse and validate a text once.
// 250 keeps one call far below GitHub's 10 s limit while 1,000 PRs still take only 4 points.

export const PULL_HEAD_BATCH_SIZES = [1, 10, 50, 250] as const;

function pullHeadsDocument(size: number): string {
  const variables: string[] = [];
  const aliases: string[] = [];
  for (let i = 0; i < size; i++) {
    variables.push(`$o${i}: String!, $r${i}: String!, $n${i}: Int!`);
    aliases.push(
      `  p${i}: repository(owner: $o${i}, name: $r${i}) { pullRequest(number: $n${i}) { ...PullHead } }`,
    );
  }
  return `query PullHeads(${variables.join(", ")}) {
  rateLimit { cost remaining resetAt }
${aliases.join("\n")}
}

fragment PullHead on PullRequest { updatedAt state }
`;
}

/** Batch size → document; variables `o<i>` owner, `r<i>` repository name, `n<i>` PR number. */
export const PULL_HEADS_DOCUMENTS: Readonly<Record<number, string>> = Object.fromEntries(
  PULL_HEAD_BATCH_SIZES.map((size) => [size, pullHeadsDocument(size)]),
);
