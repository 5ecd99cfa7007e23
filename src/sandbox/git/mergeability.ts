import { gitText, runGit } from "./runGit.js";

/** How a head stands against a base, as git sees it: what GitHub's mergeability is made of. */
export interface Mergeability {
  mergeBase: string | null;
  /** commits on base the head does not have */
  behindBy: number;
  /** commits on head the base does not have */
  aheadBy: number;
  /** a merge of the two would conflict */
  conflicted: boolean;
}

/**
 * Computed with real git: `merge-base` for the common ancestor, `rev-list --count` both ways,
 * and `merge-tree --write-tree` (exit 1 on conflicts) for whether the merge button would work.
 * Histories with no common ancestor (a base force-pushed to unrelated commits) conflict.
 */
export async function mergeability(
  gitDir: string,
  base: string,
  head: string,
): Promise<Mergeability> {
  const found = await runGit(gitDir, ["merge-base", base, head], { okCodes: [1] });
  const mergeBase = found.code === 0 ? found.stdout.toString("utf8").trim() : null;
  const count = async (range: string) =>
    Number((await gitText(gitDir, ["rev-list", "--count", range])).trim());
  const [behindBy, aheadBy] = await Promise.all([
    count(`${head}..${base}`),
    count(`${base}..${head}`),
  ]);
  if (mergeBase === null) return { mergeBase, behindBy, aheadBy, conflicted: true };
  const merged = await runGit(gitDir, ["merge-tree", "--write-tree", base, head], {
    okCodes: [1],
  });
  return { mergeBase, behindBy, aheadBy, conflicted: merged.code !== 0 };
}
