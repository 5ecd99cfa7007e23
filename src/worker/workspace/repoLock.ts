// Tasks of one repository share one cached clone. Fetching into it and adding or removing
// worktrees touch its refs and index.lock, so those steps run one at a time per repository
// (per process: one worker process owns one workspace root).

const tails = new Map<string, Promise<void>>();

/** Runs `fn` after every earlier holder of `key` has finished. */
export async function withRepoLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
