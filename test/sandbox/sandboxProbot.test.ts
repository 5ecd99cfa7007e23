import { Probot, ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { installationToken } from "./sandboxClient.js";

// The app reaches the sandbox through Probot exactly as it would reach GitHub Enterprise Server.

let sandbox: Sandbox;
let installationId: number;

beforeAll(async () => {
  process.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  sandbox = await startSandbox();
  installationId = (
    await sandbox.createRepo({
      owner: "acme",
      name: "widgets",
      files: {
        "README.md": "# w\n",
        ".github/orchestrate.yml": "label: go\nrace: [codex, claude]\n",
      },
    })
  ).installationId;
});
afterEach(() => sandbox.assertFidelity());
afterAll(() => sandbox.close());

function probot(): Probot {
  return new Probot({
    appId: sandbox.appId,
    privateKey: sandbox.privateKey,
    secret: "s",
    baseUrl: sandbox.url,
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...(o["throttle"] as object), enabled: false },
    })),
  });
}

describe("Probot against the sandbox", () => {
  it("authenticates, reads repo config through the contents API, and calls GraphQL", async () => {
    const octokit = await probot().auth(installationId);
    const { config } = await octokit.config.get({
      owner: "acme",
      repo: "widgets",
      path: ".github/orchestrate.yml",
    });
    expect(config).toEqual({ label: "go", race: ["codex", "claude"] });

    const data = await octokit.graphql<{ repository: { name: string } }>(
      "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { name } }",
      { owner: "acme", name: "widgets" },
    );
    expect(data.repository.name).toBe("widgets");
    const call = sandbox.state.requests.findLast((r) => r.operation === "graphql");
    expect(call).toMatchObject({ status: 200, installationId, cost: 1 });
  });

  it("serves GraphQL at the GHE path, behind auth and the fault switch", async () => {
    const token = await installationToken(sandbox, installationId);
    const post = (path: string, auth = `bearer ${token}`) =>
      fetch(`${sandbox.url}${path}`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify({ query: '{ repository(owner: "acme", name: "widgets") { name } }' }),
      });
    const ok = await post("/api/graphql");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-ratelimit-resource")).toBe("graphql");
    expect((await post("/graphql", "bearer ghs_nope")).status).toBe(401);
    sandbox.fail("graphql", 1, "502");
    expect((await post("/graphql")).status).toBe(502);
    expect((await post("/graphql")).status).toBe(200);
  });
});
