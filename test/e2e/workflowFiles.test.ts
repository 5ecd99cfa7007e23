import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appManifest } from "../../src/sandbox/appManifest.js";
import { type Harness, startHarness, WEBHOOK_SECRET } from "./harness.js";
import { appComments, backendsJson, branchLog } from "./helpers.js";

const MAINTAINER = "maintainer-user";
const SPEC = "## ci\n- [ ] build: Fix the build\n";
const LOCK_LINE = "Do not create, change or delete anything under `.github/workflows/`";

function prompts(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const path = join(d, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return walk(dir)
    .filter((f) => f.endsWith("prompt.md"))
    .map((f) => readFileSync(f, "utf8"));
}

// GitHub refuses an App's push that touches .github/workflows/ unless the installation granted
// `workflows: write` — which app.yml asks for only when the operator opts in.
describe("changes to workflow files", () => {
  let h: Harness;
  afterEach(async () => {
    h.sandbox.assertFidelity();
    await h.close();
  });

  async function run(grantWorkflows: boolean) {
    h = await startHarness({
      env: { ORCHESTRATE_BACKENDS: backendsJson([{ name: "ci", agent: "workflow-agent.mjs" }]) },
    });
    if (grantWorkflows) {
      h.sandbox.setInstallationPermissions(h.repo, {
        ...appManifest().permissions,
        workflows: "write",
      });
    }
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const issue = h.sandbox.createIssue(h.repo, { title: "CI", body: SPEC, user: MAINTAINER });
    await h.sandbox.addLabel(h.repo, issue.number, "orchestrate", MAINTAINER);
    await h.settle();
    const pushes = h.sandbox.state.requests.filter(
      (r) => r.operation === "git" && r.method === "POST" && r.path.endsWith("/git-receive-pack"),
    );
    return { issue: issue.number, pushes };
  }

  it("without the workflows permission: the agent is told, and the refused push fails the task once, saying why and what to do", async () => {
    const { issue, pushes } = await run(false);
    const [prompt, ...more] = prompts(h.dataDir);
    expect(more, "one attempt: the refusal is not retried").toEqual([]);
    expect(prompt).toContain(LOCK_LINE);
    expect(pushes).toHaveLength(1);
    const snapshot = await h.run(issue);
    const [task] = snapshot?.tasks ?? [];
    expect(task?.status).toBe("failed");
    expect(task?.attempts).toBe(1);
    expect(task?.report?.split("\n")[0]).toMatch(
      /^workflow-permission \(attempt 1, backend ci\): GitHub refused the push: it changes \.github\/workflows\/ci\.yml, and this App has no `workflows` permission\. .*README.*\/orchestrate retry build/,
    );
    expect(task?.report).toContain(
      "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission",
    );
    expect(snapshot?.run.state).toBe("failed");
    expect(branchLog(h, `orchestrate/${issue}-ci`)).toEqual([]);
    expect([...(h.sandbox.state.repos.get(h.repo)?.pulls.values() ?? [])]).toEqual([]);
    expect(appComments(h, issue)[0]).toContain("has no `workflows` permission");
  });

  it("with workflows granted: the push token carries it and the change lands", async () => {
    const { issue, pushes } = await run(true);
    expect(prompts(h.dataDir)[0]).not.toContain(LOCK_LINE);
    expect(pushes.map((r) => r.status)).toEqual([200]);
    const mints = h.sandbox.state.requests
      .filter((r) => r.operation === "apps/create-installation-access-token")
      .map((r) => (r.body as { permissions?: Record<string, string> } | null)?.permissions);
    expect(mints).toContainEqual({ contents: "write", workflows: "write" });
    expect(mints).not.toContainEqual({ contents: "read", workflows: "write" });
    expect(
      await h.sandbox.fileAt(h.repo, `orchestrate/${issue}-ci`, ".github/workflows/ci.yml"),
    ).toBe("on: push\njobs: {}\n");
    expect((await h.run(issue))?.run.state).toBe("done");
  });
});
