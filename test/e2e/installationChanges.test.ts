import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { redisRunStore } from "../../src/queue/redisRunStore.js";
import type { SandboxPull } from "../../src/sandbox/state.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import {
  agentStarts,
  appComments,
  backendsJson,
  coordinationDir,
  releaseHolds,
  scriptedHarness,
  specOf,
  startRun,
  waitFor,
} from "./helpers.js";

const MAINTAINER = "maintainer-user";

// Review follow-up across installations and repositories while one of them goes away: the
// others keep being followed, and GitHub is not asked about the lost one over and over.
describe("installation changes", { timeout: 120_000 }, () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  /** `repo` gets a PR by hand, adopted with `/orchestrate`: followed from then on. */
  async function adoptedPull(repo: string): Promise<SandboxPull> {
    h.sandbox.setPermission(repo, MAINTAINER, "admin");
    await h.sandbox.commit(repo, {
      branch: "feature",
      files: { "notes.md": "a note\n" },
      message: "Notes",
      author: MAINTAINER,
    });
    const pull = await h.sandbox.openPull(repo, {
      user: MAINTAINER,
      head: "feature",
      title: "Notes",
    });
    await h.sandbox.comment(repo, pull.number, MAINTAINER, "/orchestrate");
    return pull;
  }

  async function threeRepos() {
    h = await startHarness({
      roles: { poller: true },
      env: {
        ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]),
        POLL_INTERVAL_SECONDS: "1",
      },
    });
    const suffix = h.repo.split("-").at(-1);
    const b = await h.sandbox.createRepo({ owner: h.owner, name: `second-${suffix}` });
    const c = await h.sandbox.createRepo({ owner: `other-${suffix}`, name: "third" });
    const repos = [h.repo, `${b.owner}/${b.name}`, `${c.owner}/${c.name}`] as const;
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const pulls = [];
    for (const repo of repos) pulls.push(await adoptedPull(repo));
    await h.settle();
    return { repos, pulls };
  }

  /**
   * Resolves once the poller has run `n` more cycles: each asks GitHub about the first
   * repository's PR, through its review-comment feed (a quiet cycle: answered 304) or by
   * listing its threads over GraphQL.
   */
  async function cycles(n: number): Promise<void> {
    const installation = h.sandbox.state.repos.get(h.repo)?.installationId;
    const asked = () =>
      h.sandbox.state.requests.filter(
        (r) =>
          (r.operation === "graphql" && r.installationId === installation) ||
          (r.operation === "pulls/list-review-comments-for-repo" &&
            r.path === `/repos/${h.repo}/pulls/comments`),
      ).length;
    const from = asked();
    await waitFor(`${n} more poll cycles`, () => asked() >= from + n, { timeoutMs: 30_000 });
  }

  it("a repository removed from one installation and another installation suspended: the rest is still followed, and no 4xx is asked again and again", async () => {
    const { repos, pulls } = await threeRepos();
    const [a, b, c] = repos;
    // Every PR listed once and watched cheaply from now on.
    await cycles(3);
    // Webhooks lost: only the poller can notice what follows.
    h.sandbox.setWebhookTarget(null);
    await h.sandbox.removeFromInstallation(b);
    await h.sandbox.suspendInstallation(c, true);
    const since = h.sandbox.state.requests.length;
    await h.sandbox.postReview(a, pulls[0]?.number ?? 0, {
      user: MAINTAINER,
      comments: [{ path: "notes.md", line: 1, body: "Expand this note." }],
    });
    const explain = () =>
      h.sandbox.state.requests
        .slice(since)
        .map((r) => `${r.method} ${r.path} ${r.status}`)
        .join("\n");
    await waitFor(
      "the thread on the repository still installed to be answered",
      () => [...(h.sandbox.state.repos.get(a)?.threads.values() ?? [])].every((t) => t.isResolved),
      { timeoutMs: 30_000, explain },
    );
    await cycles(10);
    const refused = h.sandbox.state.requests
      .slice(since)
      .filter((r) => r.status >= 400)
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    // Each refusal met once (a poll's reads of the suspended installation go out together,
    // a publish reads the repository once): then parked, with a backoff far longer than this.
    const counts = new Map<string, number>();
    for (const r of refused) counts.set(r, (counts.get(r) ?? 0) + 1);
    expect(
      [...counts].filter(([, n]) => n > 1),
      explain(),
    ).toEqual([]);
    expect(refused.some((r) => r.includes(b.split("/")[1] ?? ""))).toBe(true);
    // The run in the repository still installed goes on and answered on its PR only.
    expect(appComments(h, pulls[0]?.number ?? 0)).toHaveLength(1);
    expect((await h.run(pulls[0]?.number ?? 0))?.run.state).toBe("done");
  });

  it("the installation and installation_repositories webhooks: runs where the App lost access stop, their PRs are no longer asked about, the rest goes on", async () => {
    const { repos, pulls } = await threeRepos();
    const [a, b, c] = repos;
    const sent = h.sandbox.deliveries.length;
    await h.sandbox.removeFromInstallation(b);
    await h.sandbox.deleteInstallation(c);
    const answered = h.sandbox.deliveries.slice(sent);
    expect(answered.map((d) => [d.event, d.status])).toEqual([
      ["installation_repositories", 200],
      ["installation", 200],
    ]);
    await h.settle();
    const redis = new Redis(h.redisUrl, { maxRetriesPerRequest: null });
    const store = redisRunStore(redis, h.prefix);
    for (const [i, repo] of [b, c].entries()) {
      // An adopted PR with no open thread may already be done (its first poll settled it):
      // then it stays done; one still following its threads is stopped, saying why.
      const snapshot = await store.get(`${repo}#${pulls[i + 1]?.number ?? 0}`);
      expect(["stopped", "done"], repo).toContain(snapshot?.run.state);
      if (snapshot?.run.state === "stopped") {
        expect(snapshot.run.reason, repo).toContain(`GitHub no longer lets the App reach ${repo}`);
      }
    }
    redis.disconnect();
    // A poll that began before the webhooks were through may still meet the lost access once
    // (as it would on github.com); from the next cycle on, nothing asks about them.
    await cycles(2);
    const since = h.sandbox.state.requests.length;
    await h.sandbox.postReview(a, pulls[0]?.number ?? 0, {
      user: MAINTAINER,
      comments: [{ path: "notes.md", line: 1, body: "Expand this note." }],
    });
    await h.settle();
    await cycles(5);
    const threads = [...(h.sandbox.state.repos.get(a)?.threads.values() ?? [])];
    expect(threads.map((t) => t.isResolved)).toEqual([true]);
    const lost = [b, c].map((r) => `/${r}`);
    const after = h.sandbox.state.requests.slice(since);
    expect(
      after.filter((r) =>
        lost.some((p) => r.path.startsWith(`/repos${p}`) || r.path.startsWith(p)),
      ),
    ).toEqual([]);
    expect(
      after.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([]);
  });

  it("a run at work in a repository taken out of the installation stops on the webhook alone, though it has no PR yet", async () => {
    const dir = coordinationDir();
    try {
      h = await scriptedHarness(dir);
      writeFileSync(join(dir, "hold-work"), "");
      const issue = await startRun(
        h,
        specOf(["  - { id: work, group: docs, title: Work, description: Some work. }"]),
      );
      await waitFor("the agent to start", () => agentStarts(dir).length === 1);
      await waitFor("the status comment to show the task at work", () =>
        appComments(h, issue)[0]?.includes("🟡 in progress"),
      );
      const since = h.sandbox.state.requests.length;
      await h.sandbox.removeFromInstallation(h.repo);
      const redis = new Redis(h.redisUrl, { maxRetriesPerRequest: null });
      try {
        const snapshot = await waitFor("the run to stop", async () => {
          const s = await redisRunStore(redis, h.prefix).get(`${h.repo}#${issue}`);
          return s?.run.state === "stopped" ? s : undefined;
        });
        expect(snapshot.run.reason).toContain(`GitHub no longer lets the App reach ${h.repo}`);
      } finally {
        redis.disconnect();
      }
      releaseHolds(dir);
      await h.settle();
      // Told by the webhook, the App stopped without asking GitHub and being refused.
      expect(
        h.sandbox.state.requests.slice(since).map((r) => `${r.method} ${r.path} ${r.status}`),
      ).toEqual([]);
      // The agent's work went nowhere: no branch, no PR.
      expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).toEqual(["main"]);
      expect([...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])]).toEqual([]);
    } finally {
      releaseHolds(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
