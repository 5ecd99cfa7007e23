import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import {
  agentStarts,
  agentsGone,
  appComments,
  backendsJson,
  coordinationDir,
  releaseHolds,
  sharedWith,
  specOf,
  waitFor,
} from "./helpers.js";

const MAINTAINER = "maintainer-user";
const SPEC = specOf([
  "  - { id: a, group: one, title: Task a, description: Runs until the issue goes. }",
  "  - { id: b, group: one, depends_on: [a], title: Task b, description: Never ready. }",
]);

// A run works from its issue: when a person closes, deletes or moves that issue, the run stops
// at once — agents killed, queued work cancelled, no pull request opened — and the status
// comment says why wherever it is still there to edit.
describe("the run's issue closed, deleted or transferred", () => {
  let h: Harness;
  let dir: string;
  afterEach(async () => {
    releaseHolds(dir);
    h.sandbox.assertFidelity();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A run whose first task's agent is running (held) when the test acts. */
  async function runningRun(): Promise<number> {
    dir = coordinationDir();
    h = await startHarness({
      env: {
        ...sharedWith(dir),
        ORCHESTRATE_BACKENDS: backendsJson([
          { name: "scripted", agent: "scripted-agent.mjs", env: { SCRIPTED_AGENT_DIR: dir } },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    writeFileSync(join(dir, "hold-a"), "");
    const issue = h.sandbox.createIssue(h.repo, { title: "Work", body: SPEC, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await waitFor("task a's agent to run", () => agentStarts(dir).length === 1);
    return issue.number;
  }

  /** Stopped, every task cancelled, no branch and no PR, nothing written that GitHub refused. */
  async function expectStopped(issue: number, reason: RegExp, since: number): Promise<void> {
    await agentsGone(dir);
    await h.settle();
    const snapshot = await h.run(issue);
    expect(snapshot?.run.state).toBe("stopped");
    expect(snapshot?.run.reason).toMatch(reason);
    expect(snapshot?.tasks.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
    expect((await h.sandbox.branches(h.repo)).map((b) => b.name)).toEqual(["main"]);
    expect([...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])]).toEqual([]);
    const refused = h.sandbox.state.requests.slice(since).filter((r) => r.status >= 400);
    expect(refused.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
  }

  it("closed: stops, and the status comment says who closed it and how to start again", async () => {
    const issue = await runningRun();
    const since = h.sandbox.state.requests.length;
    await h.sandbox.closeIssue(h.repo, issue, MAINTAINER, "not_planned");
    await expectStopped(issue, /closed the issue/, since);
    const [status, ...others] = appComments(h, issue);
    expect(others).toEqual([]);
    expect(status).toContain("⏹️ Stopped");
    expect(status).toMatch(
      /stopped because @(&#8203;)?maintainer-user closed the issue; reopen it/,
    );
  });

  it("deleted: stops, and writes nothing more to an issue that is gone", async () => {
    const issue = await runningRun();
    const since = h.sandbox.state.requests.length;
    await h.sandbox.deleteIssue(h.repo, issue, MAINTAINER);
    await expectStopped(issue, /deleted the issue/, since);
    const writes = h.sandbox.state.requests
      .slice(since)
      .filter((r) => r.operation.startsWith("issues/") || r.operation.startsWith("reactions/"));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(h.sandbox.issueComments(h.repo, issue)).toEqual([]);
  });

  it("transferred: stops, names where the issue went, and leaves its moved status comment alone", async () => {
    const issue = await runningRun();
    const other = await h.sandbox.createRepo({
      owner: h.owner,
      name: `${h.repo.split("/")[1]}-moved`,
    });
    const otherRepo = `${other.owner}/${other.name}`;
    await waitFor("the status comment to show the running task", () =>
      appComments(h, issue)[0]?.includes("in progress"),
    );
    const before = h.sandbox.issueComments(h.repo, issue).map((c) => c.history.length);
    const since = h.sandbox.state.requests.length;
    const moved = await h.sandbox.transferIssue(h.repo, issue, otherRepo, MAINTAINER);
    await expectStopped(
      issue,
      new RegExp(`moved the issue to ${otherRepo}#${moved.number}`),
      since,
    );
    const [status, ...others] = h.sandbox.issueComments(otherRepo, moved.number);
    expect(others).toEqual([]);
    expect(status?.user).toBe("orchestrate[bot]");
    expect([status?.history.length], "not edited after the move").toEqual(before);
    const edits = h.sandbox.state.requests
      .slice(since)
      .filter(
        (r) => r.operation === "issues/update-comment" || r.operation === "issues/create-comment",
      );
    expect(edits).toEqual([]);
  });
});
