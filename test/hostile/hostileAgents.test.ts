// Hostile agents through the real worker, against the sandbox GitHub: each task does its work
// and plays one trap (test/hostile/agents/hostile-agent.mjs) — planted git configuration, a
// rewritten .git, hooks, filters, a daemon, an agent still running while another task pushes,
// symlinks, the network, signals, a forged author. What must hold afterwards is what GitHub and
// the machine show: every change landed, on its own branch only; no token or key anywhere the
// agents could reach; no process of theirs left; the tokens used are scoped and revoked; and a
// later run in the same repository, on the same worker, is unaffected.

import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "../e2e/harness.js";
import { filesUnder, hostProcesses, labelNewIssue } from "../e2e/helpers.js";

const MAINTAINER = "maintainer-user";
const TRAPS = [
  "config",
  "gitdir",
  "hooks",
  "filter",
  "daemon",
  "linger",
  "witness",
  "symlink",
  "network",
  "kill",
  "author",
];
const SPEC = TRAPS.map(
  (t) => `## ${t}\n- [ ] ${t}: Do the ${t} task\n      backend: hostile\n`,
).join("\n");
const hostileAgent = resolve("test/hostile/agents/hostile-agent.mjs");
const editAgent = resolve("test/agents/edit-agent.mjs");

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("hostile agents", () => {
  let h: Harness;
  let shared: string;
  let trap: Server;
  const trapped: Array<{ method?: string; url?: string; headers: IncomingMessage["headers"] }> = [];
  let issue: number;

  const git = (...args: string[]) =>
    execFileSync("git", ["--git-dir", h.sandbox.state.repos.get(h.repo)?.gitDir ?? "", ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  const allTokens = () =>
    [...h.sandbox.state.installations.values()].flatMap((i) => [...i.tokens.entries()]);

  beforeAll(async () => {
    shared = mkdtempSync(join(tmpdir(), "orchestrate-hostile-"));
    trap = createServer((req, res) => {
      trapped.push({ method: req.method, url: req.url, headers: req.headers });
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => trap.listen(0, "127.0.0.1", r));
    const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    h = await startHarness({
      repoPrefix: "hostile",
      env: {
        WORKER_CONCURRENCY: "4",
        ORCHESTRATE_SANDBOX_SHARED: shared,
        ORCHESTRATE_BACKENDS: JSON.stringify([
          {
            name: "hostile",
            command: [process.execPath, hostileAgent],
            env: { HOSTILE_SHARED: shared, TRAP_URL: trapUrl },
          },
          { name: "edit", command: [process.execPath, editAgent] },
        ]),
      },
      files: {
        "README.md": "# demo\n",
        ".github/orchestrate.yml": "limits:\n  attempts: 1\n",
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const created = h.sandbox.createIssue(h.repo, { title: "Traps", body: SPEC, user: MAINTAINER });
    issue = created.number;
    await h.sandbox.addLabel(h.repo, issue, "orchestrate", MAINTAINER);
    // The lingering agent watches every process it can see until the witness task has pushed.
    await waitUntil("the witness task's push", () =>
      git("for-each-ref", "--format=%(refname)").includes(`orchestrate/${issue}-witness`),
    );
    writeFileSync(join(shared, "witness-pushed"), "pushed\n");
    await h.settle();
  }, 180_000);

  afterAll(async () => {
    // Whatever a trap left running (only if the sandbox failed) goes before anything else.
    for (const pid of hostProcesses({ HOSTILE_SHARED: shared }).map((p) => p.pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    await h?.close();
    await new Promise((r) => trap.close(r));
    rmSync(shared, { recursive: true, force: true });
  });

  it("lands every task's own change on its own group branch, and nothing else", async () => {
    const snapshot = await h.run(issue);
    const statuses = Object.fromEntries(snapshot!.tasks.map((t) => [t.id, t.status]));
    expect(statuses).toEqual(Object.fromEntries(TRAPS.map((t) => [t, "complete"])));
    const refs = git("for-each-ref", "--format=%(refname)").trim().split("\n").sort();
    expect(refs).toEqual(
      ["refs/heads/main", ...TRAPS.map((t) => `refs/heads/orchestrate/${issue}-${t}`)].sort(),
    );
    for (const t of TRAPS) {
      const branch = `orchestrate/${issue}-${t}`;
      expect(git("show", `${branch}:${t}.txt`)).toContain(`done by ${t}`);
      // One commit on main, by the App's bot, whatever the agent committed or claimed.
      const log = git("log", "--format=%an <%ae>|%cn", `main..${branch}`).trim().split("\n");
      expect(log).toEqual([
        `${h.sandbox.state.appSlug}[bot] <${h.sandbox.state.users.get(`${h.sandbox.state.appSlug}[bot]`)?.id}+${h.sandbox.state.appSlug}[bot]@users.noreply.github.com>|${h.sandbox.state.appSlug}[bot]`,
      ]);
    }
    // The symlinks went in as links (their target's text), never as what they point at.
    const symlinkTree = git("ls-tree", `orchestrate/${issue}-symlink`);
    expect(symlinkTree).toMatch(/^120000 blob \w+\tenviron-link$/m);
    expect(git("show", `orchestrate/${issue}-symlink:environ-link`)).toBe("/proc/self/environ");
    expect(symlinkTree).not.toContain("fifo");
  });

  it("leaves no token, key or secret anywhere an agent could write or GitHub shows", async () => {
    const tokens = allTokens().map(([token]) => token);
    expect(tokens.length).toBeGreaterThan(TRAPS.length);
    const keyLines = h.sandbox.privateKey
      .split("\n")
      .filter((l) => l.length >= 40 && !l.startsWith("-----"));
    const secrets = [
      ...tokens,
      ...tokens.map((t) => Buffer.from(`x-access-token:${t}`).toString("base64")),
      ...keyLines,
      WEBHOOK_SECRET,
    ];
    // What the agents kept of what they found, and every file they wrote where they could.
    const files = filesUnder(shared);
    expect(files.some((f) => f.includes("loot-linger-round"))).toBe(true);
    const leaked = files.filter((f) => {
      const text = readFileSync(f, "latin1");
      return secrets.some((s) => text.includes(s)) || /x-access-token:ghs_/.test(text);
    });
    expect(leaked).toEqual([]);
    // Nothing the worker's git should have run, did: no helper, pager or hook it was given ran,
    // and the trace2 targets (which the agent's own git may write to) never saw the worker's.
    expect(files.filter((f) => /grabbed-/.test(f))).toEqual([]);
    const traces = files.filter((f) => /trace2-/.test(f)).map((f) => readFileSync(f, "utf8"));
    expect(traces.filter((t) => /commit-tree|merge-tree|read-tree|orchestrate\//.test(t))).toEqual(
      [],
    );
    // Every commit and file on every branch, every comment, PR and check run.
    const everything = [
      git("log", "--all", "-p", "--format=%an%x00%ae%x00%B"),
      JSON.stringify([...h.sandbox.state.repos.values()].map((r) => [...r.issueComments.values()])),
      JSON.stringify([...h.sandbox.state.repos.values()].map((r) => [...r.pulls.values()])),
      JSON.stringify([...h.sandbox.state.repos.values()].map((r) => [...r.checkRuns.values()])),
    ].join("\n");
    for (const s of secrets) expect(everything.includes(s)).toBe(false);
  });

  it("never let the worker's git reach the agents' proxy, remote or URL rewrite", () => {
    expect(trapped).toEqual([]);
  });

  it("left no process of any agent running, daemons included", async () => {
    await waitUntil(
      "no agent process left",
      () => hostProcesses({ HOSTILE_SHARED: shared }).map((p) => p.pid).length === 0,
    );
    expect(hostProcesses({ HOSTILE_DAEMON: shared }).map((p) => p.pid)).toEqual([]);
  });

  it("used a token per git operation, for this repository and contents only, revoked after it", async () => {
    const gitTokens = allTokens().filter(([, g]) => g.repositoryIds !== null);
    const repo = h.sandbox.state.repos.get(h.repo)!;
    expect(gitTokens.length).toBeGreaterThanOrEqual(2 * TRAPS.length);
    for (const [, grant] of gitTokens) {
      expect(grant.repositoryIds).toEqual([repo.id]);
      expect(Object.keys(grant.permissions).sort()).toEqual(["contents", "metadata"]);
      expect(grant.revokedAt).toBeTypeOf("number");
    }
    expect(gitTokens.filter(([, g]) => g.permissions["contents"] === "write").length).toBe(
      TRAPS.length,
    );
    // A token captured after its push is worthless: git and the API refuse it.
    const [token] = gitTokens.find(([, g]) => g.permissions["contents"] === "write")!;
    const auth = Buffer.from(`x-access-token:${token}`).toString("base64");
    const clone = `${h.sandbox.url}/${h.repo}.git`;
    // Asynchronously: the sandbox that answers it runs in this process.
    const lsRemote = promisify(execFile)(
      "git",
      ["-c", `http.extraHeader=Authorization: Basic ${auth}`, "ls-remote", clone],
      { env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeout: 20_000 },
    );
    await expect(lsRemote).rejects.toThrow(/401|Authentication|terminal prompts disabled/);
    const rest = await fetch(`${h.sandbox.url}/repos/${h.repo}`, {
      headers: { authorization: `token ${token}` },
    });
    expect(rest.status).toBe(401);
  });

  it("leaves a later run in the same repository on the same worker unaffected", async () => {
    const later = await labelNewIssue(h, {
      title: "After the traps",
      body: "## later\n- [ ] later: An ordinary task\n      backend: edit\n",
    });
    const snapshot = await h.run(later);
    expect(snapshot?.tasks.map((t) => [t.id, t.status])).toEqual([["later", "complete"]]);
    const branch = `orchestrate/${later}-later`;
    expect(git("diff", "--name-only", `main..${branch}`).trim()).toBe("later.txt");
    expect(git("show", `${branch}:later.txt`)).toBe("done by later\n");
    expect(trapped).toEqual([]);
  });
});
