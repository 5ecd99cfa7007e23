import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { decodeStatusMetadata } from "../../src/runs/statusMetadata.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { appComments, backendsJson } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const CONTRIBUTOR = "outside-contributor";

// Adopting a pull request from a fork: review fixes go to the PR's branch in the fork — never
// to a branch of the same name in the base — and only when its author allows maintainer edits.
describe("pull requests from forks", { timeout: 120_000 }, () => {
  let h: Harness;
  let fork: string;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  /** A contributor forks the repository and opens a PR from the fork's `main`. */
  async function forkPull(o: { maintainerCanModify: boolean }) {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "maintain");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const created = await h.sandbox.forkRepo(h.repo, { owner: CONTRIBUTOR });
    fork = `${created.owner}/${created.name}`;
    // The fork's branch has the name of the base's default branch on purpose.
    await h.sandbox.commit(fork, {
      branch: "main",
      files: { "notes.md": "first line\n" },
      message: "Notes",
      author: CONTRIBUTOR,
    });
    return h.sandbox.openPull(h.repo, {
      user: CONTRIBUTOR,
      head: `${CONTRIBUTOR}:main`,
      title: "Notes",
      maintainerCanModify: o.maintainerCanModify,
    });
  }

  const repoState = () => h.sandbox.state.repos.get(h.repo);
  const threadsOf = (pull: number) =>
    [...(repoState()?.threads.values() ?? [])].filter((t) => t.pullNumber === pull);
  const appReplies = (threadId: string) =>
    (repoState()?.threads.get(threadId)?.commentIds ?? [])
      .map((id) => repoState()?.reviewComments.get(id))
      .filter((c) => c?.user === "orchestrate[bot]");

  it("adopts a fork's PR that allows maintainer edits: the fix lands on the fork's branch, the thread is answered and resolved, also after a rebuild", async () => {
    const pull = await forkPull({ maintainerCanModify: true });
    const baseBefore = await h.sandbox.branches(h.repo);
    const forkBefore = await h.sandbox.branches(fork);
    await h.sandbox.comment(h.repo, pull.number, MAINTAINER, "/orchestrate");
    await h.settle();
    const [status] = appComments(h, pull.number);
    expect(status).toContain(`${CONTRIBUTOR}:main`);
    // The status comment keeps where the branch lives: Redis loses the run, and it is rebuilt.
    expect(decodeStatusMetadata(status ?? "")?.run.groups).toEqual([
      expect.objectContaining({
        branch: "main",
        pull: pull.number,
        headRepo: { owner: CONTRIBUTOR, repo: fork.split("/")[1] },
      }),
    ]);
    const redis = new Redis(inject("redisUrl"));
    const keys = await redis.keys(`${h.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await h.sandbox.comment(h.repo, pull.number, MAINTAINER, "/orchestrate status");
    await h.settle();
    expect((await h.run(pull.number))?.run.groups).toEqual([
      expect.objectContaining({
        branch: "main",
        headRepo: { owner: CONTRIBUTOR, repo: fork.split("/")[1] },
      }),
    ]);

    await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: [{ path: "notes.md", line: 1, body: "Expand this note." }],
    });
    await h.settle();

    const [thread] = threadsOf(pull.number);
    expect(thread?.isResolved).toBe(true);
    const forkMain = (await h.sandbox.branches(fork)).find((b) => b.name === "main")?.sha;
    expect(forkMain).not.toBe(forkBefore.find((b) => b.name === "main")?.sha);
    expect(appReplies(thread?.id ?? "")[0]?.body).toContain(
      `Fixed in ${h.sandbox.url}/${fork}/commit/${forkMain}`,
    );
    expect(await h.sandbox.fileAt(fork, "main", "review-fixes.txt")).toMatch(/^fix for review-/);
    expect(repoState()?.pulls.get(pull.number)?.headSha).toBe(forkMain);
    // The base has no new branch, and its main is where it was.
    expect(await h.sandbox.branches(h.repo)).toEqual(baseBefore);
    expect(await h.sandbox.fileAt(h.repo, "main", "review-fixes.txt")).toBeNull();
    expect((await h.run(pull.number))?.run.state).toBe("done");
  });

  it("refuses a fork's PR that does not allow maintainer edits with one comment, pushes nothing, and adopts it once the box is ticked", async () => {
    const pull = await forkPull({ maintainerCanModify: false });
    const baseBefore = await h.sandbox.branches(h.repo);
    const forkBefore = await h.sandbox.branches(fork);
    await h.sandbox.comment(h.repo, pull.number, MAINTAINER, "/orchestrate");
    await h.settle();
    const comments = appComments(h, pull.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain(
      `@${MAINTAINER}, this pull request's branch \`main\` lives in the fork ${fork}, which does not let maintainers push to it`,
    );
    expect(comments[0]).toContain("**Allow edits by maintainers**");
    expect(comments[0]).toContain("then comment `/orchestrate` again");
    expect(await h.run(pull.number)).toBeNull();
    expect(await h.sandbox.branches(h.repo)).toEqual(baseBefore);
    expect(await h.sandbox.branches(fork)).toEqual(forkBefore);
    expect(h.sandbox.state.requests.filter((r) => r.operation === "git")).toEqual([]);

    h.sandbox.setMaintainerCanModify(h.repo, pull.number, true);
    await h.sandbox.comment(h.repo, pull.number, MAINTAINER, "/orchestrate");
    await h.settle();
    // Adopted now: followed for review threads, with the status comment beside the refusal.
    expect(appComments(h, pull.number)).toHaveLength(2);
    expect((await h.run(pull.number))?.run).toMatchObject({
      state: "reviewing",
      groups: [
        expect.objectContaining({ headRepo: { owner: CONTRIBUTOR, repo: fork.split("/")[1] } }),
      ],
    });
  });

  it("refuses a PR whose fork was deleted: the branch has nowhere to go", async () => {
    const pull = await forkPull({ maintainerCanModify: true });
    await h.sandbox.deleteRepo(fork);
    await h.sandbox.comment(h.repo, pull.number, MAINTAINER, "/orchestrate");
    await h.settle();
    const comments = appComments(h, pull.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain(
      `this pull request's branch \`main\` lived in a fork of ${CONTRIBUTOR}'s that has since been deleted`,
    );
    expect(await h.run(pull.number)).toBeNull();
  });
});
