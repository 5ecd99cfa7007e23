import { describe, expect, it } from "vitest";
import { defaultRepoConfig } from "../../src/config/repoConfig.js";
import { renderPullBody } from "../../src/runs/renderPullBody.js";
import type { RunRecord, TaskRecord } from "../../src/runs/run.js";

const run: RunRecord = {
  key: "octo-org/demo#7",
  owner: "octo-org",
  repo: "demo",
  issueNumber: 7,
  installationId: 1,
  state: "running",
  reason: null,
  statusCommentId: null,
  startedBy: "maintainer-user",
  origin: "d",
  createdAt: "2026-11-23T00:00:00Z",
  updatedAt: "2026-11-23T00:00:00Z",
  questions: [],
  conversation: [],
  errors: [],
  awaitingApproval: false,
  config: defaultRepoConfig,
  groups: [{ name: "core", branch: "orchestrate/7-core", pull: null }],
};
const task = (i: number): TaskRecord => ({
  id: `task-${i}`,
  group: "core",
  depends_on: [],
  title: `${"Ünïcode title ".repeat(14)} ${i}`,
  description: "",
  priority: 1,
  status: "complete",
  kind: "implement",
  attempts: 1,
  commit: "a".repeat(40),
});

describe("the group PR's body", () => {
  it("lists each task with its commit and links the issue", () => {
    const body = renderPullBody(
      run,
      run.groups[0]!,
      [task(1), task(2)],
      "https://github.com/octo-org/demo",
    );
    expect(body).toContain("Part of #7");
    expect(body).toMatch(
      /- \[x\] \*\*task-1\*\*: .* — https:\/\/github.com\/octo-org\/demo\/commit\/a{40}/,
    );
  });

  it("stays within GitHub's 65,536 characters for a thousand tasks, saying what it left out", () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => task(i));
    const body = renderPullBody(run, run.groups[0]!, tasks, "https://github.com/octo-org/demo");
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/more lines left out: GitHub allows 65,536 characters/);
    expect(body).toContain("**task-0**");
  });
});
