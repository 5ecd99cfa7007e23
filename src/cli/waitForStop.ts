/** How often the process checks that whoever started it is still there. */
const PARENT_CHECK_MS = 1_000;

/**
 * Resolves with the reason to stop: SIGINT, SIGTERM, or the parent going away. The last one is
 * for `npm start` / `npx orchestrate …`: npm runs the command through `sh -c` and passes a
 * SIGTERM to that shell, which exits without passing it on — this process is then re-parented,
 * and stops as if it had been signalled instead of serving on with nobody to stop it.
 */
export function waitForStop(): Promise<string> {
  return new Promise((done) => {
    const parent = process.ppid;
    const finish = (reason: string) => {
      clearInterval(watch);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      // A second signal while draining (npm forwards one to the process and its group, a
      // supervisor repeats it) must not kill the process half-way: only SIGKILL cuts it short.
      process.on("SIGINT", ignore);
      process.on("SIGTERM", ignore);
      done(reason);
    };
    const ignore = () => {};
    const onInt = () => finish("SIGINT");
    const onTerm = () => finish("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    // A parent of 1 from the start (a container's init, systemd) is not a sign of anything.
    const watch = setInterval(() => {
      if (parent !== 1 && process.ppid !== parent) finish("parent exited");
    }, PARENT_CHECK_MS);
    watch.unref();
  });
}
