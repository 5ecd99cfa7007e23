// GitHub's rule for Apps: a push that creates, changes or deletes a file under
// .github/workflows/ needs the `workflows` permission. The sandbox's bare repositories enforce
// it in a pre-receive hook, told by the git door whether the pushing token holds it
// (SANDBOX_WORKFLOWS=write). GitHub puts its sentence in the ref's status; a hook can only
// print it as a `remote:` line (the ref reads "pre-receive hook declined"), so clients that
// look for the sentence find it either way.

export const WORKFLOWS_ENV = "SANDBOX_WORKFLOWS";

export const WORKFLOW_HOOK = `#!/bin/sh
[ "$${WORKFLOWS_ENV}" = "write" ] && exit 0
[ -z "$${WORKFLOWS_ENV}" ] && exit 0
zero=0000000000000000000000000000000000000000
while read old new ref; do
  [ "$new" = "$zero" ] && continue
  if [ "$old" = "$zero" ]; then range="$new --not --all"; else range="$old..$new"; fi
  for commit in $(git rev-list $range); do
    path=$(git diff-tree --no-commit-id --name-only -r --root "$commit" | grep '^\\.github/workflows/' | head -n 1)
    if [ -n "$path" ]; then
      echo "refusing to allow a GitHub App to create or update workflow \\\`$path\\\` without \\\`workflows\\\` permission" >&2
      exit 1
    fi
  done
done
exit 0
`;
