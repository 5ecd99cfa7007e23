import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { appOctokit, installationOctokit, installationToken } from "./sandboxClient.js";

let sandbox: Sandbox;
let installationId: number;

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  installationId = (await sandbox.createRepo({ owner: "acme", name: "widgets" })).installationId;
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

describe("sandbox auth", () => {
  it("trades the app's JWT for an installation token that works on REST calls", async () => {
    const app = appOctokit(sandbox);
    const { data: me } = await app.rest.apps.getAuthenticated();
    expect(me?.id).toBe(sandbox.appId);
    const { data: installation } = await app.rest.apps.getRepoInstallation({
      owner: "acme",
      repo: "widgets",
    });
    expect(installation.id).toBe(installationId);

    const octokit = installationOctokit(sandbox, installationId);
    const { data: repo } = await octokit.rest.repos.get({ owner: "acme", repo: "widgets" });
    expect(repo.full_name).toBe("acme/widgets");
    expect(repo.clone_url).toBe(sandbox.cloneUrl("acme/widgets"));
    const tokenCall = sandbox.state.requests.find(
      (r) => r.operation === "apps/create-installation-access-token",
    );
    expect(tokenCall?.status).toBe(201);
    const repoCall = sandbox.state.requests.findLast((r) => r.operation === "repos/get");
    expect(repoCall?.installationId).toBe(installationId);
  });

  it("answers 401 with GitHub's error shape for a missing or unknown token", async () => {
    const missing = await fetch(`${sandbox.url}/repos/acme/widgets`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      message: "Requires authentication",
      documentation_url: expect.any(String),
    });

    const bad = await fetch(`${sandbox.url}/repos/acme/widgets`, {
      headers: { authorization: "token ghs_nope" },
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: "Bad credentials" });
  });

  it("refuses a JWT signed by another key", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const forged = appOctokit({ ...sandbox, privateKey: other });
    await expect(forged.rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
  });

  it("serves the installation token over the GHE /api/v3 prefix too", async () => {
    const token = await installationToken(sandbox, installationId);
    const res = await fetch(`${sandbox.url}/api/v3/repos/acme/widgets`, {
      headers: { authorization: `token ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-github-request-id")).toBeTruthy();
    expect(res.headers.get("x-ratelimit-limit")).toBe("5000");
    expect(res.headers.get("x-ratelimit-resource")).toBe("core");
  });
});
