import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import {
  appComments,
  backendsJson,
  branchLog,
  coordinationDir,
  sharedWith,
  specOf,
  startRun,
  waitFor,
} from "./helpers.js";

// An agent that cannot do its task without an answer asks instead (QUESTION: in its report):
// the question goes on the issue, the next maintainer's comment answers it, the task runs again
// with the answer in its work order, and its PR opens.
describe("a task whose agent asks a question", () => {
  let h: Harness;
  let dir: string;
  const pulls = () => [...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])];
  const prompts = (task: string) =>
    readdirSync(dir)
      .filter((f) => f.startsWith(`prompt-${task}-`))
      .sort()
      .map((f) => readFileSync(join(dir, f), "utf8"));

  beforeAll(async () => {
    dir = coordinationDir();
    h = await startHarness({
      env: {
        ...sharedWith(dir),
        ORCHESTRATE_BACKENDS: backendsJson([
          {
            name: "asker",
            agent: "question-agent.mjs",
            env: { QUESTION_AGENT_DIR: dir, QUESTION_AGENT_ASKS: "colour" },
          },
        ]),
      },
    });
    h.sandbox.setPermission(h.repo, "maintainer-user", "admin");
    h.sandbox.setPermission(h.repo, "reader-user", "read");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
  });
  afterEach(() => h.sandbox.assertFidelity());
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks on the issue, waits while the rest goes on, and runs again with a maintainer's answer", async () => {
    const issue = await startRun(
      h,
      specOf([
        "  - { id: colour, group: ui, title: Colour the button, description: Pick the colour. }",
        "  - { id: notes, group: docs, title: Write the notes, description: Any notes. }",
      ]),
    );
    await h.settle();
    const ui = `orchestrate/${issue}-ui`;

    // The question is on the issue, for whoever started the run, quoted and defused.
    const question = await waitFor("the question comment", () =>
      appComments(h, issue).find((c) => c.includes("cannot go on without an answer")),
    );
    expect(question).toContain(
      "@maintainer-user, task `colour` (Colour the button) cannot go on without an answer. Its agent asks:\n\n> Which colour should the button be?\n> Ask @&#8203;octocat if unsure; this closes \\#1.",
    );
    expect(question).toContain("the next comment of someone with write access");
    // Its guess was dropped: nothing of the task was pushed. The other group went on.
    expect(branchLog(h, ui)).toEqual([]);
    expect(pulls().map((p) => p.head)).toEqual([`orchestrate/${issue}-docs`]);
    const waiting = await h.run(issue);
    expect(waiting?.run.state).toBe("running");
    expect(waiting?.run.reason).toMatch(/^waiting for an answer: task colour asked a question/);
    expect(waiting?.tasks.find((t) => t.id === "colour")).toMatchObject({
      status: "needs-input",
      attempts: 1,
    });
    const status = appComments(h, issue)[0] ?? "";
    expect(status).toContain("🟠 waiting for an answer");
    expect(status).toContain("**Waiting for an answer:**");

    // Neither a reader's reply nor a command is an answer.
    const before = appComments(h, issue).length;
    await h.sandbox.comment(h.repo, issue, "reader-user", "Make it red.");
    await h.sandbox.comment(h.repo, issue, "maintainer-user", "/orchestrate status");
    await h.settle();
    expect((await h.run(issue))?.tasks.find((t) => t.id === "colour")?.status).toBe("needs-input");
    expect(prompts("colour")).toHaveLength(1);
    expect(appComments(h, issue)).toHaveLength(before);

    // A maintainer answers: the task runs again with the question and the answer.
    await h.sandbox.comment(h.repo, issue, "maintainer-user", "Make it teal, like the logo.");
    await h.settle();
    const [, second] = prompts("colour");
    expect(second).toContain(
      "## Answers from the maintainers\n\nEarlier attempts at this task asked, and a maintainer answered on the issue:\n\nYou asked:\n```\nWhich colour should the button be?\nAsk @octocat if unsure; this closes #1.\n```\n\n**@maintainer-user** answered:\n```\nMake it teal, like the logo.\n```",
    );
    const done = await h.run(issue);
    expect(done?.tasks.find((t) => t.id === "colour")).toMatchObject({
      status: "complete",
      attempts: 2,
    });
    expect(done?.run.state).toBe("done");
    expect(branchLog(h, ui)).toHaveLength(1);
    // The agent made its change from the answer, and only that change was pushed.
    const file = await h.sandbox.fileAt(h.repo, ui, "colour.txt");
    expect(file).toContain("Make it teal, like the logo.");
    expect(file).not.toContain("a guess");
    expect(
      pulls()
        .map((p) => p.head)
        .sort(),
    ).toEqual([`orchestrate/${issue}-docs`, ui]);
  });
});
