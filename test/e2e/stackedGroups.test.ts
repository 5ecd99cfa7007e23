import { afterEach, describe, expect, it } from "vitest";
import { pullFiles } from "../../src/sandbox/rest/pullStats.js";
import type { SandboxPull } from "../../src/sandbox/state.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { appComments, backendsJson } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const STACK = [
  "## a",
  "- [ ] a1: First layer",
  "## b",
  "- [ ] b1: Second layer",
  "      depends on: a1",
  "## c",
  "- [ ] c1: Third layer",
  "      depends on: b1",
  "",
].join("\n");

// `stack: true`: dependent groups open as a stack of PRs, each against its parent's branch,
// and move onto the default branch as their parents merge (or are closed without merge).
describe("stacked groups", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  async function start(config: string, spec: string): Promise<number> {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "review", agent: "review-agent.mjs" }]) },
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": config },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, { title: "Layers", body: spec, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    return issue.number;
  }

  const pulls = () => {
    const all = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    const of = (group: string): SandboxPull => {
      const pull = all.find((p) => p.head.endsWith(`-${group}`));
      if (!pull) throw new Error(`no PR for ${group}: ${all.map((p) => p.head)}`);
      return pull;
    };
    return { a: of("a"), b: of("b"), c: of("c") };
  };
  const files = async (pull: SandboxPull) =>
    (await pullFiles(h.sandbox.state.repos.get(h.repo)!, pull)).map((f) => f.filename);

  it("opens a 3-group stack, retargets each child as its parent merges, and is done when all are merged", async () => {
    const issue = await start("stack: true\ndone_when: merged\n", STACK);
    const { a, b, c } = pulls();
    expect([a.base, b.base, c.base]).toEqual(["main", a.head, b.head]);
    expect(await files(a)).toEqual(["a1.txt"]);
    expect(await files(b)).toEqual(["b1.txt"]);
    expect(await files(c)).toEqual(["c1.txt"]);
    // Each layer is built on its parent's work.
    expect(await h.sandbox.fileAt(h.repo, c.headSha, "a1.txt")).toBe("done by a1\n");
    expect(await h.sandbox.fileAt(h.repo, c.headSha, "b1.txt")).toBe("done by b1\n");
    const line = `Stack: #${a.number} → #${b.number} → #${c.number}`;
    expect(a.body).toContain(`Stack: **#${a.number} (this)** → #${b.number} → #${c.number}`);
    expect(b.body).toContain(`Stack: #${a.number} → **#${b.number} (this)** → #${c.number}`);
    expect(c.body).toContain(`Stack: #${a.number} → #${b.number} → **#${c.number} (this)**`);
    expect(appComments(h, issue)[0]).toContain(line);
    expect((await h.run(issue))?.run).toMatchObject({ state: "reviewing" });
    expect((await h.run(issue))?.run.reason).toContain("to be merged");

    await h.sandbox.closePull(h.repo, a.number, true);
    await h.settle();
    expect([pulls().b.base, pulls().c.base]).toEqual(["main", b.head]);
    expect(await files(pulls().b)).toEqual(["b1.txt"]);
    expect(appComments(h, issue)[0]).toMatch(/\*\*a\*\*.*\*\*merged\*\*/);
    // (the status comment escapes `#`, so that it links nothing by mistake)
    expect(appComments(h, issue)[0]).toContain(
      `its base \\#${a.number} (a) was merged: retargeted to \`main\``,
    );

    // This time its branch is deleted too, and GitHub may retarget the child first.
    await h.sandbox.closePull(h.repo, b.number, true);
    await h.sandbox.deleteBranch(h.repo, b.head);
    await h.settle();
    expect(pulls().c.base).toBe("main");
    expect(appComments(h, issue)[0]).toContain(
      `its base \\#${b.number} (b) was merged: retargeted to \`main\``,
    );
    expect(await files(pulls().c)).toEqual(["c1.txt"]);
    expect((await h.run(issue))?.run.state).toBe("reviewing");

    await h.sandbox.closePull(h.repo, c.number, true);
    await h.settle();
    const run = (await h.run(issue))?.run;
    expect(run?.state).toBe("done");
    expect(run?.groups.map((g) => g.state)).toEqual(["merged", "merged", "merged"]);
  });

  it("retargets the child of a parent closed without merge with a note, and reopens the parent on /orchestrate reopen", async () => {
    const issue = await start("stack: true\n", STACK.split("## c")[0] ?? "");
    const all = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
    const a = all.find((p) => p.head.endsWith("-a"));
    const b = all.find((p) => p.head.endsWith("-b"));
    if (!a || !b) throw new Error("expected two PRs");
    expect(b.base).toBe(a.head);

    await h.sandbox.closePull(h.repo, a.number, false);
    await h.settle();
    expect(b.base).toBe("main");
    const note = `its base #${a.number} (a) was closed without merge: retargeted to \`main\``;
    expect(h.sandbox.issueComments(h.repo, b.number).map((c) => c.body)).toEqual([
      expect.stringContaining(note),
    ]);
    const status = appComments(h, issue)[0];
    expect(status).toContain(note.replace("#", "\\#"));
    expect(status).toContain("`/orchestrate reopen a`");

    // GitHub would refuse to reopen it now: its head branch is gone.
    await h.sandbox.deleteBranch(h.repo, a.head);
    await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate reopen z");
    await h.settle();
    expect(appComments(h, issue).at(-1)).toContain(
      "there is no group `z` in this run; its groups are `a`, `b`",
    );

    await h.sandbox.comment(h.repo, issue, MAINTAINER, "/orchestrate reopen a");
    await h.settle();
    expect(a.state).toBe("open");
    expect((await h.run(issue))?.run.groups.find((g) => g.name === "a")?.state).toBeUndefined();
    expect(appComments(h, issue)[0]).not.toContain("closed without merge: #");

    // Followed again: a review on it becomes work, answered in its thread.
    await h.sandbox.postReview(h.repo, a.number, {
      user: MAINTAINER,
      comments: [{ path: "a1.txt", line: 1, body: "Please also say why." }],
    });
    await h.settle();
    const thread = [...(h.sandbox.state.repos.get(h.repo)?.threads.values() ?? [])].find(
      (t) => t.pullNumber === a.number,
    );
    expect(thread?.isResolved).toBe(true);
  });
});
