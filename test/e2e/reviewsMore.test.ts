import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const MAINTAINER = "maintainer-user";
const backends = JSON.stringify([
  {
    name: "review",
    command: [process.execPath, resolve("test/agents/review-agent.mjs")],
    promptVia: "stdin",
  },
]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("review follow-up, further", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  async function start(files: Record<string, string> = {}) {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backends },
      files: { "README.md": "# demo\n", ...files },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "maintain");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: "e2e-webhook-secret" });
  }
  const repoState = () => h.sandbox.state.repos.get(h.repo);
  const threadsOf = (pull: number) =>
    [...(repoState()?.threads.values() ?? [])].filter((t) => t.pullNumber === pull);
  const appReplies = (threadId: string) =>
    (repoState()?.threads.get(threadId)?.commentIds ?? [])
      .map((id) => repoState()?.reviewComments.get(id))
      .filter((c) => c?.user === "orchestrate[bot]");

  it("adopts a pull request a person opened on /orchestrate, and follows its threads", async () => {
    await start();
    await h.sandbox.commit(h.repo, {
      branch: "feature/by-hand",
      files: { "notes.md": "first line\n" },
      message: "Notes by hand",
      author: MAINTAINER,
    });
    const pull = await h.sandbox.openPull(h.repo, {
      user: MAINTAINER,
      head: "feature/by-hand",
      title: "Notes",
    });
    await h.sandbox.comment(h.repo, pull.number, MAINTAINER, "/orchestrate");
    await h.settle();
    const status = h.sandbox
      .issueComments(h.repo, pull.number)
      .filter((c) => c.user === "orchestrate[bot]");
    expect(status).toHaveLength(1);
    expect((await h.run(pull.number))?.run.groups).toEqual([
      expect.objectContaining({ branch: "feature/by-hand", pull: pull.number }),
    ]);

    await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: [{ path: "notes.md", line: 1, body: "Expand this note." }],
    });
    await h.settle();
    const [thread] = threadsOf(pull.number);
    expect(thread?.isResolved).toBe(true);
    expect(appReplies(thread?.id ?? "")[0]?.body).toMatch(/^Fixed in /);
    expect(await h.sandbox.fileAt(h.repo, "feature/by-hand", "review-fixes.txt")).toMatch(
      /^fix for review-/,
    );
    expect((await h.run(pull.number))?.run.state).toBe("done");
  });

  it("with follow: mention, acts only on threads that mention the app — 150 threads listed, a 120-comment thread read whole", async () => {
    await start({ ".github/orchestrate.yml": "follow: mention\n" });
    const issue = h.sandbox.createIssue(h.repo, {
      title: "Feature",
      body: "## core\n- [ ] feature: Add it\n",
      user: MAINTAINER,
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const pull = [...(repoState()?.pulls.values() ?? [])][0];
    if (!pull) throw new Error("no pull request");

    // People discussing among themselves: 150 threads, none mentions the app.
    await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: Array.from({ length: 150 }, (_, i) => ({
        path: "feature.txt",
        line: 1,
        body: `Side note ${i}`,
      })),
    });
    await h.settle();
    // One long discussion that ends by asking the app.
    const long = await h.sandbox.postReview(h.repo, pull.number, {
      user: MAINTAINER,
      comments: [{ path: "feature.txt", line: 1, body: "Opening a long discussion." }],
    });
    const longThread = long.threads[0]?.id ?? "";
    for (let i = 1; i < 119; i++)
      await h.sandbox.replyInThread(h.repo, longThread, MAINTAINER, `Point ${i}`);
    await h.sandbox.replyInThread(
      h.repo,
      longThread,
      MAINTAINER,
      "@orchestrate please settle this: Point 119",
    );
    await h.settle();

    expect(threadsOf(pull.number)).toHaveLength(151);
    const answered = threadsOf(pull.number).filter((t) => appReplies(t.id).length > 0);
    expect(answered.map((t) => t.id)).toEqual([longThread]);
    expect(repoState()?.threads.get(longThread)?.isResolved).toBe(true);
    // The agent's work order carried the thread's last comment, past the first 100.
    const prompts = filesUnder(h.dataDir).filter((f) => f.endsWith("prompt.md"));
    expect(
      prompts.some((f) => readFileSync(f, "utf8").includes("please settle this: Point 119")),
    ).toBe(true);
    const run = await h.run(issue.number);
    expect(run?.run.state).toBe("done");
  });
});
