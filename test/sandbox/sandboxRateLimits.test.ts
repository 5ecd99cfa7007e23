import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationToken } from "./sandboxClient.js";

// GitHub's rate limits as the sandbox enforces them: the primary one per installation (5,000
// REST requests an hour, lowered here), reported in x-ratelimit-* headers, and the secondary
// one on content-creating requests (80 a minute, 500 an hour; lowered here), with retry-after.
describe("rate limits", () => {
  let sandbox: Sandbox;
  let octokit: Octokit;
  let installationId = 0;
  // The real time at first (the App signs its JWT with it), moved on by the test.
  let clock = Date.now();
  const repo = { owner: "acme", repo: "limits" };
  beforeEach(async () => {
    process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
    sandbox = await startSandbox();
    clock = Date.now();
    sandbox.state.now = () => new Date(clock);
    // The test's token must outlive the hour it moves the clock on by.
    sandbox.state.tokenLifetimeMs = 3 * 60 * 60 * 1000;
    const created = await sandbox.createRepo({ owner: "acme", name: "limits" });
    installationId = created.installationId;
    sandbox.createIssue("acme/limits", { title: "t", body: "b", user: "acme" });
    octokit = new Octokit({
      baseUrl: sandbox.url,
      auth: await installationToken(sandbox, installationId),
    });
  });
  afterEach(() => sandbox.close());

  it("primary: past the hour's requests, 403 with GitHub's message and remaining 0 until reset", async () => {
    sandbox.state.restLimitPerHour = 3;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await octokit.rest.repos.get(repo));
    expect(answers.map((a) => a.headers["x-ratelimit-remaining"])).toEqual(["2", "1", "0"]);
    const refused = await octokit.rest.repos.get(repo).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 403,
      message: expect.stringContaining(
        `API rate limit exceeded for installation ID ${installationId}.`,
      ),
      response: { headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "3" } },
    });
    // Refused until the reset it named (a whole second, an hour on), answered from then on.
    const reset = Number(answers[0]?.headers["x-ratelimit-reset"]) * 1000;
    expect(reset - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    clock = reset - 1;
    await expect(octokit.rest.repos.get(repo)).rejects.toMatchObject({ status: 403 });
    clock = reset;
    await expect(octokit.rest.repos.get(repo)).resolves.toMatchObject({ status: 200 });
  });

  it("secondary: content-creating requests past the minute's and the hour's limit get a 403 with retry-after", async () => {
    sandbox.state.contentLimits = { perMinute: 2, perHour: 3 };
    const comment = () =>
      octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: "hello" });
    await comment();
    await comment();
    // Reads are not content-creating.
    await octokit.rest.issues.listComments({ ...repo, issue_number: 1 });
    const perMinute = await comment().catch((e: unknown) => e);
    expect(perMinute).toMatchObject({
      status: 403,
      message: expect.stringContaining("You have exceeded a secondary rate limit"),
      response: { headers: { "retry-after": "60" } },
    });
    clock += 61_000;
    await comment();
    const perHour = await comment().catch((e: unknown) => e);
    expect(perHour).toMatchObject({
      status: 403,
      response: { headers: { "retry-after": String(3600 - 61) } },
    });
    expect(sandbox.issueComments("acme/limits", 1)).toHaveLength(3);
    sandbox.assertFidelity();
  });
});
