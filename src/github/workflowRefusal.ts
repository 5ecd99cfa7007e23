/** The path GitHub names when it refuses an App's push for touching a workflow file. */
export function workflowRefusal(gitOutput: string): { path: string } | null {
  // "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml`
  // without `workflows` permission" — in the ref's status or a `remote:` line.
  const match =
    /refusing to allow a GitHub App to create or update workflow `([^`]+)` without `workflows` permission/.exec(
      gitOutput,
    );
  return match?.[1] ? { path: match[1] } : null;
}
