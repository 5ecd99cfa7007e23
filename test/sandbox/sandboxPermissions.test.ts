import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appManifest } from "../../src/sandbox/appManifest.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationToken } from "./sandboxClient.js";

// Every installation token — not only a narrowed one — may do only what the installation
// granted, which is app.yml's permissions unless the operator changed them: a REST route or a
// GraphQL field it lacks is refused as GitHub refuses it.
describe("permissions for every token", () => {
  let sandbox: Sandbox;
  let octokit: Octokit;
  const repo = { owner: "acme", repo: "perms" };
  beforeAll(async () => {
    process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
    sandbox = await startSandbox();
    const created = await sandbox.createRepo({
      owner: "acme",
      name: "perms",
      files: { "a.txt": "a\n" },
    });
    // An installation that granted contents and metadata only.
    sandbox.setInstallationPermissions("acme/perms", { contents: "write", metadata: "read" });
    const token = await installationToken(sandbox, created.installationId);
    octokit = new Octokit({ baseUrl: sandbox.url, auth: token });
  });
  afterAll(() => sandbox.close());

  it("refuses a REST route whose permission the installation lacks, with GitHub's 403", async () => {
    await expect(octokit.rest.repos.getContent({ ...repo, path: "a.txt" })).resolves.toBeTruthy();
    await expect(
      octokit.rest.issues.create({ ...repo, title: "no issues permission" }),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
    await expect(octokit.rest.pulls.list(repo)).rejects.toMatchObject({ status: 403 });
  });

  it("refuses a GraphQL mutation or read whose permission the installation lacks", async () => {
    const reply = octokit.graphql(
      `mutation { resolveReviewThread(input: { threadId: "PRRT_x" }) { thread { id } } }`,
    );
    await expect(reply).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: "FORBIDDEN" })],
    });
    const read = octokit.graphql(`query { rateLimit { remaining } }`);
    await expect(read).resolves.toMatchObject({ rateLimit: expect.anything() });
    sandbox.assertFidelity();
  });

  it("grants by default exactly what app.yml asks for", () => {
    expect(appManifest().permissions).toEqual({
      contents: "write",
      issues: "write",
      pull_requests: "write",
      checks: "write",
      metadata: "read",
      actions: "write",
      statuses: "read",
    });
  });
});
