import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Harness } from "./harness.js";
import { startHarness, WEBHOOK_SECRET } from "./harness.js";
import { backendsJson, waitFor } from "./helpers.js";

// CI follow-up on a group's pull request, with the sandbox's GitHub Actions really running
// `node check.js` on every pushed head.

const MAINTAINER = "maintainer-user";
const SPEC = "## core\n- [ ] feature: Add the feature\n";
// Wants value.txt to say "fixed"; FLAKY=1 in its own text: fails the first attempt of each run.
const CHECK = `const fs = require("node:fs");
const value = fs.existsSync("value.txt") ? fs.readFileSync("value.txt", "utf8").trim() : "";
console.log("checking value.txt");
if (process.env.GITHUB_RUN_ATTEMPT === "1" && fs.existsSync("flaky")) {
  console.error("network hiccup");
  process.exit(1);
}
if (value !== "fixed") {
  console.error('check.js: expected "fixed" in value.txt, got "' + value + '"');
  process.exit(1);
}
`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("CI follow-up", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  async function start(o: {
    config?: string;
    files?: Record<string, string>;
    env?: Record<string, string>;
    permissions?: Record<string, "read" | "write">;
    /** CI jobs wait while this file exists */
    hold?: string;
    /** CI's webhooks lost on the way: only the poll sees its results */
    lostWebhooks?: boolean;
    /** status checks the default branch's rules require */
    requiredChecks?: string[];
  }) {
    h = await startHarness({
      files: {
        "README.md": "# demo\n",
        "check.js": CHECK,
        ...(o.config ? { ".github/orchestrate.yml": o.config } : {}),
        ...o.files,
      },
      ...(o.lostWebhooks ? { roles: { poller: true } } : {}),
      env: {
        ...(o.lostWebhooks ? { POLL_INTERVAL_SECONDS: "1" } : {}),
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "ci", agent: "ci-agent.mjs", ...(o.env ? { env: o.env } : {}) },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "write");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    if (o.permissions) h.sandbox.setInstallationPermissions(h.repo, o.permissions);
    if (o.requiredChecks) h.sandbox.setRequiredChecks(h.repo, "main", o.requiredChecks);
    const wait = o.hold ? `while [ -e '${o.hold}' ]; do sleep 0.05; done; ` : "";
    await h.sandbox.setCi(h.repo, {
      name: "test",
      command: `${wait}node check.js`,
      ...(o.lostWebhooks ? { webhooks: false } : {}),
    });
    const issue = h.sandbox.createIssue(h.repo, { title: "Feature", body: SPEC, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    return issue.number;
  }

  const status = (issue: number) =>
    h.sandbox.issueComments(h.repo, issue).find((c) => c.user === "orchestrate[bot]")?.body ?? "";
  const explain = (issue: number) => async () =>
    `run: ${JSON.stringify((await h.run(issue))?.run.state)} ${(await h.run(issue))?.run.reason}\n${status(issue)}`;
  const testRuns = (sha: string) =>
    [...(h.sandbox.state.repos.get(h.repo)?.checkRuns.values() ?? [])]
      .filter((r) => r.name === "test" && r.headSha === sha)
      .map((r) => r.conclusion);
  const pull = () => [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])][0];

  it("waits for a running check, turns it red into a ci-fix task whose push makes it green, and ends done", async () => {
    const gate = mkdtempSync(join(tmpdir(), "ci-hold-"));
    const hold = join(gate, "hold");
    writeFileSync(hold, "");
    const issue = await start({ hold });
    // While the job runs, the run waits for it, saying so: it is not done.
    await waitFor(
      "the status comment to show CI running",
      () => /CI ⏳ running: `test`/.test(status(issue)),
      {
        explain: explain(issue),
      },
    );
    await h.settle();
    expect((await h.run(issue))?.run).toMatchObject({
      state: "reviewing",
      reason: expect.stringMatching(/^waiting for CI on #\d+: `test`$/),
    });
    rmSync(gate, { recursive: true, force: true });
    const done = await waitFor(
      "the run to be done",
      async () => {
        const run = await h.run(issue);
        return run?.run.state === "done" && run;
      },
      { timeoutMs: 90_000, explain: explain(issue) },
    );
    const fixes = done.tasks.filter((t) => t.kind === "ci-fix");
    expect(fixes.map((t) => [t.id, t.status])).toEqual([[`ci-${pull()?.number}-1`, "complete"]]);
    // Its work order quoted the failed job's log, fenced as data.
    const prompt = filesUnder(h.dataDir)
      .filter((f) => f.endsWith("prompt.md"))
      .map((f) => readFileSync(f, "utf8"))
      .find((p) => p.includes("## CI checks that failed"));
    expect(prompt).toMatch(
      /### Check `test`[\s\S]*Process completed with exit code 1\.[\s\S]*```text\n[\s\S]*check\.js: expected "fixed" in value\.txt, got "broken"/,
    );
    // The first head failed, the fix's head passed; the PR's head is the fix.
    const head = pull()?.headSha ?? "";
    expect(testRuns(head)).toEqual(["success"]);
    expect(fixes[0]?.checks?.headSha).not.toBe(head);
    expect(testRuns(fixes[0]?.checks?.headSha ?? "")).toEqual(["failure"]);
    expect(await h.sandbox.fileAt(h.repo, head, "value.txt")).toBe("fixed\n");
    await waitFor("the status comment to show it", () => /### ✅ Done/.test(status(issue)), {
      explain: explain(issue),
    });
    expect(status(issue)).toMatch(/CI ✅ green \(fix round 1 of 3\)/);
  });

  it("leaves the PR to a person once limits.ci_rounds fix rounds did not make CI green", async () => {
    const issue = await start({
      config: "limits:\n  ci_rounds: 1\n",
      env: { CI_AGENT_NEVER_FIXES: "1" },
    });
    const run = await waitFor(
      "the run to need a person",
      async () => {
        const r = await h.run(issue);
        return r?.run.state === "needs-input" && r;
      },
      { timeoutMs: 90_000, explain: explain(issue) },
    );
    expect(run.tasks.filter((t) => t.kind === "ci-fix")).toHaveLength(1);
    await waitFor("the status comment to say so", () => /needs a person/.test(status(issue)), {
      explain: explain(issue),
    });
    expect(status(issue)).toMatch(
      /CI still fails on \\?#\d+ after 1 fix round \(`limits.ci_rounds`: 1\): `test` failed — the pull request needs a person/,
    );
    expect(status(issue)).toMatch(/CI ❌ failed: `test` \(fix round 1 of 1\)/);
    // A comment is not taken for an answer to anything: the run waits as it was.
    await h.sandbox.comment(h.repo, issue, MAINTAINER, "Looking into the CI failure.");
    await h.settle();
    expect((await h.run(issue))?.run.state).toBe("needs-input");
    // The person's fix makes CI green: the run goes on and ends done.
    await h.sandbox.commit(h.repo, {
      branch: pull()?.head ?? "",
      files: { "value.txt": "fixed\n" },
      message: "Fix value.txt",
      author: MAINTAINER,
    });
    await waitFor("the run to be done", async () => (await h.run(issue))?.run.state === "done", {
      timeoutMs: 90_000,
      explain: explain(issue),
    });
  });

  it("re-runs a flaky job once (ci.rerun_failed) and makes no fix task when it passes", async () => {
    const issue = await start({
      config: "ci:\n  rerun_failed: true\n",
      // The work is right: only the flakiness fails the first attempt.
      files: { flaky: "" },
      env: { CI_AGENT_VALUE: "fixed" },
    });
    const done = await waitFor(
      "the run to be done",
      async () => {
        const run = await h.run(issue);
        return run?.run.state === "done" && run;
      },
      { timeoutMs: 90_000, explain: explain(issue) },
    );
    expect(done.tasks.filter((t) => t.kind === "ci-fix")).toEqual([]);
    expect(testRuns(pull()?.headSha ?? "")).toEqual(["failure", "success"]);
  });

  it("follows the check runs of an installation that has not granted statuses, says which permission to grant, and names a required check it cannot see", async () => {
    const issue = await start({
      env: { CI_AGENT_VALUE: "fixed" },
      // app.yml's permissions as an installation accepted them before CI follow-up asked for more
      permissions: {
        contents: "write",
        issues: "write",
        pull_requests: "write",
        checks: "write",
        metadata: "read",
      },
      requiredChecks: ["ci/external"],
    });
    await waitFor("the run to be done", async () => (await h.run(issue))?.run.state === "done", {
      timeoutMs: 90_000,
      explain: explain(issue),
    });
    await waitFor("the status comment to show it", () => /### ✅ Done/.test(status(issue)), {
      explain: explain(issue),
    });
    expect(status(issue)).toMatch(
      /CI ✅ green · _GitHub refuses the App commit statuses: grant it `statuses: read` in the App's settings \(and accept it on the installation\) to follow them/,
    );
    expect(status(issue)).toMatch(
      /the branch rules require `ci\/external`, which has not reported on this head: Orchestrate cannot see it/,
    );
    // Asked once, not again and again (GitHub frowns on repeated 4xx).
    const refusals = h.sandbox.state.requests.filter(
      (r) => r.operation === "repos/get-combined-status-for-ref" && r.status === 403,
    );
    expect(refusals).toHaveLength(1);
  });

  it("notices CI results whose webhooks were lost through the poll, which costs nothing while a head is unchanged", async () => {
    const gate = mkdtempSync(join(tmpdir(), "ci-hold-"));
    const hold = join(gate, "hold");
    writeFileSync(hold, "");
    const issue = await start({ hold, lostWebhooks: true, env: { CI_AGENT_VALUE: "fixed" } });
    const unchanged = (operation: string) =>
      h.sandbox.state.requests.filter((r) => r.operation === operation && r.status === 304).length;
    const used = () => {
      const installation = h.sandbox.state.repos.get(h.repo)?.installationId ?? 0;
      return h.sandbox.rateLimit(installation, "core").used;
    };
    // While its job runs, each poll asks about the head again and GitHub answers 304: once the
    // review poll has listed the PR's threads too, whole cycles cost no rate limit at all.
    await waitFor(
      "the poll to have listed the PR's threads and seen its running check",
      () => /review threads: 0 open.*CI ⏳ running/.test(status(issue)),
      { explain: explain(issue) },
    );
    await h.settle();
    // ...and a poll after the check run that publish updated (the head's check list changed).
    const settled = unchanged("checks/list-for-ref");
    await waitFor("a quiet poll", () => unchanged("checks/list-for-ref") > settled, {
      explain: explain(issue),
    });
    const before = { used: used(), requests: h.sandbox.state.requests.length };
    const polls = unchanged("checks/list-for-ref");
    await waitFor("two more polls", () => unchanged("checks/list-for-ref") >= polls + 2, {
      explain: explain(issue),
    });
    const ciReads = h.sandbox.state.requests
      .slice(before.requests)
      .filter((r) =>
        /^(pulls\/get|checks\/list-for-ref|repos\/get-(combined-status-for-ref|branch-rules))$/.test(
          r.operation,
        ),
      );
    expect(ciReads.filter((r) => r.status !== 304)).toEqual([]);
    expect(used()).toBe(before.used);
    rmSync(gate, { recursive: true, force: true });
    await waitFor("the run to be done", async () => (await h.run(issue))?.run.state === "done", {
      timeoutMs: 90_000,
      explain: explain(issue),
    });
    expect(h.sandbox.deliveries.filter((d) => d.event === "check_run")).toEqual([]);
  });
});
