import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";
import { coordinationDir, sharedWith, waitFor } from "./helpers.js";

const MAINTAINER = "maintainer-user";

// The agents' PASS_WHEN_FILE and RELEASE_FILE, in a folder of the test's that their sandbox
// shares (one per test).
let dir = "";
const passFile = () => join(dir, "pass");
const releaseFile = () => join(dir, "release");
const backends = (failTasks = "", holdTasks = "") =>
  JSON.stringify([
    {
      name: "selective",
      command: [process.execPath, resolve("test/agents/selective-agent.mjs")],
      promptVia: "stdin",
      env: {
        FAIL_TASKS: failTasks,
        PASS_WHEN_FILE: passFile(),
        HOLD_TASKS: holdTasks,
        RELEASE_FILE: releaseFile(),
      },
    },
  ]);

const SPEC = `# Saved searches

## db
- [ ] schema: Saved search table
- [ ] queries: Query helpers
      depends on: schema

## api
- [ ] routes: REST routes

## web
- [ ] page: Saved searches page
- [ ] styles: Styles
`;

describe("one pull request per group, and a live picture of the run", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(options: {
    files?: Record<string, string>;
    failTasks?: string;
    holdTasks?: string;
    defaultBranch?: string;
  }) {
    dir = coordinationDir();
    h = await startHarness({
      files: { "README.md": "# demo\n", ...options.files },
      env: {
        ...sharedWith(dir),
        ORCHESTRATE_BACKENDS: backends(options.failTasks, options.holdTasks),
        WORKER_CONCURRENCY: "3",
      },
      ...(options.defaultBranch ? { defaultBranch: options.defaultBranch } : {}),
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: "e2e-webhook-secret" });
    return h.sandbox.createIssue(h.repo, { title: "Saved searches", body: SPEC, user: MAINTAINER });
  }
  const pulls = () => [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
  const checks = () => [...(h.sandbox.state.repos.get(h.repo)?.checkRuns.values() ?? [])];

  it("opens exactly one PR per group, against a default branch that is not main, with a check run that ends in success", async () => {
    const issue = await run({ defaultBranch: "trunk" });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const opened = pulls();
    expect(opened.map((p) => p.head).sort()).toEqual(
      ["api", "db", "web"].map((g) => `orchestrate/${issue.number}-${g}`),
    );
    for (const pull of opened) {
      expect(pull.base).toBe("trunk");
      expect(pull.body).toContain(`Part of #${issue.number}`);
      const check = checks().find((c) => c.headSha === pull.headSha && c.name === "orchestrate");
      expect(check?.status, pull.head).toBe("completed");
      expect(check?.conclusion).toBe("success");
    }
    const db = opened.find((p) => p.head.endsWith("-db"));
    expect(db?.body).toMatch(/- \[x\] \*\*schema\*\*/);
    expect(db?.body).toMatch(/- \[x\] \*\*queries\*\*/);
  });

  it("still opens one PR per group when GitHub fails the first PR creation", async () => {
    const issue = await run({});
    h.sandbox.fail("pulls/create", 1, "502");
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    expect(
      pulls()
        .map((p) => p.head)
        .sort(),
    ).toEqual(["api", "db", "web"].map((g) => `orchestrate/${issue.number}-${g}`));
    const failed = h.sandbox.state.requests.filter(
      (r) => r.operation === "pulls/create" && r.status === 502,
    );
    expect(failed).toHaveLength(1);
  });

  it("reuses a PR a person opened for the group's branch", async () => {
    const issue = await run({});
    await h.sandbox.commit(h.repo, {
      branch: `orchestrate/${issue.number}-api`,
      files: { "notes.md": "started by hand\n" },
      message: "Start the API by hand",
      author: MAINTAINER,
    });
    const byHand = await h.sandbox.openPull(h.repo, {
      user: MAINTAINER,
      head: `orchestrate/${issue.number}-api`,
      title: "API, started by hand",
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const api = pulls().filter((p) => p.head === `orchestrate/${issue.number}-api`);
    expect(api).toHaveLength(1);
    expect(api[0]?.number).toBe(byHand.number);
    expect(api[0]?.body).toContain(`Part of #${issue.number}`);
    expect(await h.sandbox.fileAt(h.repo, `orchestrate/${issue.number}-api`, "notes.md")).toBe(
      "started by hand\n",
    );
    expect(await h.sandbox.fileAt(h.repo, `orchestrate/${issue.number}-api`, "routes.txt")).toBe(
      "done by routes\n",
    );
  });

  it("with draft: true opens a draft at the first push, and a failed task fails the group's check run", async () => {
    const issue = await run({
      files: { ".github/orchestrate.yml": "draft: true\nlimits:\n  attempts: 1\n" },
      failTasks: "queries",
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const db = pulls().find((p) => p.head === `orchestrate/${issue.number}-db`);
    expect(db?.draft).toBe(true);
    const check = checks().find((c) => c.headSha === db?.headSha);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output?.summary).toMatch(/queries/);
    // The groups whose tasks all passed are marked ready for review.
    const web = pulls().find((p) => p.head === `orchestrate/${issue.number}-web`);
    expect(web?.draft).toBe(false);
    const status = h.sandbox
      .issueComments(h.repo, issue.number)
      .find((c) => c.user === "orchestrate[bot]");
    expect(status?.body).toMatch(/queries/);
    expect(status?.body).toMatch(/Failed/);
  });

  it("edits the status comment far fewer times than the run changes", async () => {
    const issue = await run({});
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const [status] = h.sandbox
      .issueComments(h.repo, issue.number)
      .filter((c) => c.user === "orchestrate[bot]");
    const taskChanges = 5 * 2; // each of the 5 tasks starts and completes
    expect(status?.history.length).toBeGreaterThan(1);
    expect(status?.history.length).toBeLessThan(taskChanges);
    expect(status?.body).toMatch(/Done/);
  });

  it("retries a failed task when a maintainer ticks its box in the status comment", async () => {
    const issue = await run({
      files: { ".github/orchestrate.yml": "limits:\n  attempts: 1\n" },
      failTasks: "routes",
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const status = () =>
      h.sandbox.issueComments(h.repo, issue.number).find((c) => c.user === "orchestrate[bot]");
    const before = status();
    expect(before?.body).toMatch(/- \[ \] <!-- orchestrate:retry:routes -->/);
    expect(pulls().some((p) => p.head.endsWith("-api"))).toBe(false);

    writeFileSync(passFile(), "now it passes\n");
    const ticked = (before?.body ?? "").replace(
      "- [ ] <!-- orchestrate:retry:routes -->",
      "- [x] <!-- orchestrate:retry:routes -->",
    );
    await h.sandbox.editComment(h.repo, before?.id ?? 0, MAINTAINER, ticked);
    await h.settle();
    expect(await h.sandbox.fileAt(h.repo, `orchestrate/${issue.number}-api`, "routes.txt")).toBe(
      "done by routes\n",
    );
    expect(pulls().filter((p) => p.head.endsWith("-api"))).toHaveLength(1);
    expect(status()?.body).toMatch(/Done/);
  });

  it("keeps a draft PR's check run in progress while a task of its group runs, then success", async () => {
    const issue = await run({
      files: { ".github/orchestrate.yml": "draft: true\n" },
      holdTasks: "queries",
    });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    const db = () => pulls().find((p) => p.head === `orchestrate/${issue.number}-db`);
    const checkOf = () => checks().find((c) => c.headSha === db()?.headSha);
    // The PR opens after `schema`, while `queries` is held.
    await waitFor(
      "the db PR's check run to be in progress",
      () => checkOf()?.status === "in_progress",
    );
    expect(db()?.draft).toBe(true);
    expect(checkOf()?.status).toBe("in_progress");
    expect(checkOf()?.output?.title).toMatch(/1 of 2 tasks complete/);

    writeFileSync(releaseFile(), "go\n");
    await h.settle();
    expect(db()?.draft).toBe(false);
    const done = checkOf();
    expect(done?.status).toBe("completed");
    expect(done?.conclusion).toBe("success");
  });
});
