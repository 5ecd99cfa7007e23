// GitHub names one bot several ways: REST says `coderabbitai[bot]`, GraphQL `coderabbitai`, and
// Copilot's reviewer is `Copilot` in REST comments but `copilot-pull-request-reviewer` in GraphQL
// (`copilot-pull-request-reviewer[bot]` as its app user). Logins are case-insensitive on GitHub.

/** Names that are one bot whatever form GitHub shows it in (compared after normalising). */
const ALIASES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["copilot", "copilot-pull-request-reviewer"]),
];

function normalise(login: string): string {
  return login
    .trim()
    .toLowerCase()
    .replace(/\[bot\]$/, "");
}

function forms(login: string): Set<string> {
  const base = normalise(login);
  const alias = ALIASES.find((a) => a.has(base));
  return alias ? new Set(alias) : new Set([base]);
}

/** Whether `login`, in any of its REST, GraphQL or `[bot]` forms, is one of `configured`. */
export function botLoginMatches(configured: readonly string[], login: string): boolean {
  const wanted = forms(login);
  return configured.some((entry) => [...forms(entry)].some((f) => wanted.has(f)));
}
