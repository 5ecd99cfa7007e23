import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { installationToken } from "../sandbox/sandboxClient.js";
import type { Harness } from "./harness.js";
import {
  appComments,
  branchLog,
  coordinationDir,
  releaseHolds,
  scriptedHarness,
  specOf,
  startRun,
  taskCommits,
  waitFor,
} from "./helpers.js";

const MAINTAINER = "maintainer-user";

// The default branch moves under a finished run's PR (a person pushes to main; GitHub sends
// `push`): the App brings the PR's branch up to date without force-pushing — a merge commit on
// top of the group's work, verified on a worker before it is pushed — or, with `update: never`,
// only says the PR is behind.
describe("the base branch moves under a group's PR", () => {
  let h: Harness;
  let dir: string;
  afterEach(async () => {
    releaseHolds(dir);
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finishedRun(config: string, target?: string) {
    dir = coordinationDir();
    h = await scriptedHarness(dir, {
      files: { ".github/orchestrate.yml": config, "shared.txt": "first line\n" },
    });
    if (target) writeFileSync(join(dir, "target-a"), target);
    const issue = await startRun(
      h,
      specOf(["  - { id: a, group: ui, title: Change A, description: One change. }"]),
    );
    const branch = `orchestrate/${issue}-ui`;
    await h.settle();
    expect((await h.run(issue))?.run.state).toBe("done");
    const head = taskCommits(h, branch, issue, "a")[0]?.sha;
    const base = (await mainTip())?.sha ?? "";
    const pull = [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])].find(
      (p) => p.head === branch,
    );
    return { issue, branch, head, base, pull: pull?.number ?? 0 };
  }

  const mainTip = () => h.sandbox.branches(h.repo).then((b) => b.find((x) => x.name === "main"));
  const git = (args: string[]) =>
    execFileSync("git", ["--git-dir", h.sandbox.state.repos.get(h.repo)?.gitDir ?? "", ...args], {
      encoding: "utf8",
    });

  it("without a conflict: merges the base into the branch, re-verified, and the run is done again; a merge that fails verify is never pushed", async () => {
    const run = await finishedRun(
      "verify: test ! -e BROKEN.md && test -e a.txt\nlimits:\n  attempts: 1\n",
    );
    await h.sandbox.commit(h.repo, {
      branch: "main",
      files: { "MAIN.md": "moved on main\n" },
      message: "Main moves on",
      author: MAINTAINER,
    });
    const main = (await mainTip())?.sha;
    await h.settle();
    const [merge] = branchLog(h, run.branch);
    // A merge commit on top: the group's work, then the new base; nothing force-pushed.
    expect(merge?.parents).toEqual([run.head, main]);
    expect(merge?.subject).toBe(`Merge branch 'main' into ${run.branch}`);
    expect(await h.sandbox.fileAt(h.repo, run.branch, "MAIN.md")).toBe("moved on main\n");
    // The PR's diff is still only the group's work.
    expect(git(["diff", "--name-only", `main...${run.branch}`]).trim()).toBe("a.txt");
    const after = await h.run(run.issue);
    expect(after?.run.state).toBe("done");
    expect(after?.tasks.find((t) => t.kind === "catch-up")?.status).toBe("complete");
    expect(appComments(h, run.issue)[0]).toContain(
      `caught up with \`main\` in \`${merge?.sha.slice(0, 12)}\``,
    );

    // A base whose merge fails the group's verify command: nothing reaches the branch.
    await h.sandbox.commit(h.repo, {
      branch: "main",
      files: { "BROKEN.md": "breaks the verify command\n" },
      message: "Main breaks the group",
      author: MAINTAINER,
    });
    await h.settle();
    expect(branchLog(h, run.branch)[0]?.sha).toBe(merge?.sha);
    const failed = await h.run(run.issue);
    expect(failed?.tasks.find((t) => t.id === "catch-up-ui-2")?.status).toBe("failed");
    expect(appComments(h, run.issue)[0]).toContain(
      "not caught up with `main`: task `catch-up-ui-2` failed",
    );
  });

  it("with a conflict: an agent resolves it from a work order naming both sides, the result is verified, merged and pushed, and the PR can merge; a base force-pushed by a person is merged from its new history, saying so", async () => {
    const run = await finishedRun("verify: \"! grep -q '^<<<<<<<' shared.txt\"\n", "shared.txt");
    writeFileSync(join(dir, "hold-conflict-ui-1"), "");
    await h.sandbox.commit(h.repo, {
      branch: "main",
      files: { "shared.txt": "first line\nchanged on main\n" },
      message: "Main changes the same line",
      author: MAINTAINER,
    });
    const main = (await mainTip())?.sha;
    // While the agent works, the group's line says what is going on.
    await waitFor("the status comment to show the conflict", () =>
      appComments(h, run.issue)[0]?.includes(
        "conflicts with `main`: task `conflict-ui-1` has an agent resolve them",
      ),
    );
    unlinkSync(join(dir, "hold-conflict-ui-1"));
    await h.settle();
    const [merge] = branchLog(h, run.branch);
    expect(merge?.parents).toEqual([run.head, main]);
    expect(await h.sandbox.fileAt(h.repo, run.branch, "shared.txt")).toBe(
      "first line\ndone by a\nchanged on main\n",
    );
    const snapshot = await h.run(run.issue);
    expect(snapshot?.run.state).toBe("done");
    expect(snapshot?.tasks.find((t) => t.kind === "conflict")?.status).toBe("complete");
    const order = readdirSync(dir).find((f) => f.startsWith("prompt-conflict-ui-1-"));
    const prompt = readFileSync(join(dir, order ?? "missing"), "utf8");
    expect(prompt).toContain("## Conflicts to resolve");
    expect(prompt).toContain("### `shared.txt`");
    expect(prompt).toMatch(/<<<<<<< [^\n]*\ndone by a\n=======\nchanged on main\n>>>>>>> /);
    // GitHub (the sandbox, with git) now finds the PR mergeable.
    const pr = await waitFor("GitHub to compute the PR's mergeability", async () => {
      const res = await fetch(`${h.sandbox.url}/repos/${h.repo}/pulls/${run.pull}`, {
        headers: { authorization: `token ${await anyToken()}` },
      });
      const body = (await res.json()) as { mergeable: boolean | null; mergeable_state: string };
      return body.mergeable === null ? null : body;
    });
    expect(pr).toMatchObject({ mergeable: true, mergeable_state: "clean" });

    // A person force-pushes main, dropping its commit: the new history is merged in all the
    // same (git finds the new merge base), and the status comment says what that leaves.
    const rewritten = await h.sandbox.forcePush(h.repo, {
      branch: "main",
      onto: run.base,
      files: { "NEW.md": "rewritten main\n" },
      message: "Main rewritten",
      author: MAINTAINER,
    });
    await h.settle();
    const [again] = branchLog(h, run.branch);
    expect(again?.parents).toEqual([merge?.sha, rewritten]);
    expect(await h.sandbox.fileAt(h.repo, run.branch, "NEW.md")).toBe("rewritten main\n");
    expect((await h.run(run.issue))?.run.state).toBe("done");
    expect(appComments(h, run.issue)[0]).toContain(
      `${MAINTAINER} force-pushed main: its new history is merged in`,
    );
  });

  it("with update: never: the status comment says the PR is behind, and nothing is pushed", async () => {
    const run = await finishedRun("update: never\n");
    const before = branchLog(h, run.branch).map((c) => c.sha);
    await h.sandbox.commit(h.repo, {
      branch: "main",
      files: { "MAIN.md": "moved on main\n" },
      message: "Main moves on",
      author: MAINTAINER,
    });
    await h.settle();
    expect(branchLog(h, run.branch).map((c) => c.sha)).toEqual(before);
    expect(appComments(h, run.issue)[0]).toContain("behind `main` by 1 commit; `update: never`");
    expect((await h.run(run.issue))?.run.state).toBe("done");
  });

  it("with update: rebase: the group's commits are replayed onto the new base and pushed with a lease", async () => {
    const run = await finishedRun("update: rebase\n");
    await h.sandbox.commit(h.repo, {
      branch: "main",
      files: { "MAIN.md": "moved on main\n" },
      message: "Main moves on",
      author: MAINTAINER,
    });
    const main = (await mainTip())?.sha;
    await h.settle();
    const log = branchLog(h, run.branch);
    // One commit, the task's own, now on the new base: no merge commit, the old one replaced.
    expect(log.map((c) => c.parents)).toEqual([[main]]);
    expect(log[0]?.sha).not.toBe(run.head);
    expect(log[0]?.body).toContain(`Orchestrate-Task: ${h.repo}#${run.issue} a`);
    expect(git(["diff", "--name-only", `main...${run.branch}`]).trim()).toBe("a.txt");
    const after = await h.run(run.issue);
    expect(after?.run.state).toBe("done");
    // The task links its commit as it is now on the branch, in the PR's checklist too.
    expect(after?.tasks.find((t) => t.id === "a")?.commit).toBe(log[0]?.sha);
    const pr = h.sandbox.state.repos.get(h.repo)?.pulls.get(run.pull);
    expect(pr?.body).toContain(log[0]?.sha.slice(0, 7) ?? "missing");
    expect(pr?.body).not.toContain(run.head?.slice(0, 7) ?? "missing");
    expect(appComments(h, run.issue)[0]).toContain("caught up with `main`");
  });

  async function anyToken(): Promise<string> {
    const repo = h.sandbox.state.repos.get(h.repo);
    return installationToken(h.sandbox, repo?.installationId ?? 0);
  }
});
