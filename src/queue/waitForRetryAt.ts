import { DelayedError, type Job } from "bullmq";
import { retryAtOf } from "../github/githubWaitError.js";

/**
 * Runs a job's processor; when it fails asking to be retried at a set time (GitHub's limits),
 * the job is moved to the delayed set until then instead of failing: the wait spends none of
 * its attempts, and its retries do not knock on GitHub before GitHub said to.
 */
export async function waitForRetryAt(
  job: Job,
  token: string | undefined,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    const retryAt = retryAtOf(error);
    if (retryAt === null || token === undefined) throw error;
    await job.moveToDelayed(Math.max(retryAt, Date.now() + 1), token);
    throw new DelayedError();
  }
}
