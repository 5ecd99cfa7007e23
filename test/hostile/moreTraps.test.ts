// More hostile agents through the real worker, against the sandbox GitHub (the classes
// test/hostile/hostileAgents.test.ts does not cover). Each test asserts the SAFE behaviour:
//
// - what an agent inherits (file descriptors, environment, mounts, processes);
// - file names git, shells and markdown treat specially;
// - .gitattributes and embedded repositories that make the worker's own `git add` fail;
// - a report written to inject into the status comment and the PR body;
// - a repository-controlled verify command that turns a directory into a symlink to a folder
//   outside the sandbox just before the worker replays the change after a lost push race
//   (`read-tree -u` then writes into the agent's directory);
// - a planner (an agent too) that plants a symlink where the worker writes its report.md;
// - an agent with the network shared (ORCHESTRATE_SANDBOX_NETWORK) reaching the worker's Redis
//   (the host's abstract unix sockets are reachable then: a documented limit, see README).
//
// $HOSTILE_OUTSIDE is a folder of the test's that no sandbox mounts: agents only name it as a
// symlink target, so anything changing there was done by the worker outside the sandbox.

import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Harness, startHarness, WEBHOOK_SECRET } from "../e2e/harness.js";
import { labelNewIssue } from "../e2e/helpers.js";

const MAINTAINER = "maintainer-user";
const agent = resolve("test/hostile/agents/more-traps-agent.mjs");
const plannerTrap = resolve("test/hostile/agents/planner-trap.mjs");

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function dirs() {
  const shared = mkdtempSync(join(tmpdir(), "orchestrate-more-traps-"));
  const outside = mkdtempSync(join(tmpdir(), "orchestrate-outside-"));
  mkdirSync(join(outside, "docs"));
  writeFileSync(join(outside, "docs", "gone.txt"), "canary: the worker must not delete this\n");
  return { shared, outside };
}

const notesOf = (shared: string, task: string) =>
  JSON.parse(readFileSync(join(shared, `notes-${task}.json`), "utf8")) as Record<string, unknown>;

describe("more hostile agents", () => {
  let h: Harness;
  let shared: string;
  let outside: string;
  let issue: number;
  const git = (...args: string[]) =>
    execFileSync("git", ["--git-dir", h.sandbox.state.repos.get(h.repo)?.gitDir ?? "", ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"],
    });
  const tasks = ["fds", "names", "encoding", "unborn", "report"];

  beforeAll(async () => {
    ({ shared, outside } = dirs());
    h = await startHarness({
      repoPrefix: "moretraps",
      env: {
        WORKER_CONCURRENCY: "8",
        ORCHESTRATE_SANDBOX_SHARED: shared,
        ORCHESTRATE_BACKENDS: JSON.stringify([
          {
            name: "hostile",
            command: [process.execPath, agent],
            env: { HOSTILE_SHARED: shared, HOSTILE_OUTSIDE: outside },
          },
        ]),
      },
      files: {
        "README.md": "# demo\n",
        "docs/a.txt": "a\n",
        "docs/gone.txt": "deleted by race-first\n",
        ".github/orchestrate.yml": "limits:\n  attempts: 1\n",
      },
    });
    h.sandbox.setPermission(h.repo, MAINTAINER, "admin");
    h.sandbox.setWebhookTarget({ url: h.webhookUrl, secret: WEBHOOK_SECRET });
    const spec = [
      ...tasks.map((t) => `## ${t}\n- [ ] ${t}: Do the ${t} task\n      backend: hostile\n`),
      "## race",
      "- [ ] race-first: Move docs first",
      "      backend: hostile",
      "- [ ] race-second: Lose the push race",
      "      backend: hostile",
      // Repository-controlled: runs in the sandbox after the agent, before the push and again
      // after the replay.
      `      verify: rm -rf docs && ln -s ${join(outside, "docs")} docs`,
      "",
    ].join("\n");
    issue = h.sandbox.createIssue(h.repo, {
      title: "More traps",
      body: spec,
      user: MAINTAINER,
    }).number;
    await h.sandbox.addLabel(h.repo, issue, "orchestrate", MAINTAINER);
    // race-second waits (in its sandbox) until race-first has landed on the group branch.
    await waitUntil("race-first's push", () => {
      try {
        return git("ls-tree", "-r", "--name-only", `orchestrate/${issue}-race`).includes(
          "docs/first.txt",
        );
      } catch {
        return false;
      }
    });
    writeFileSync(join(shared, "race-first-pushed"), "");
    await h.settle();
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    rmSync(shared, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("hands the agent's programs only their stdio: no descriptor of the worker's is inherited", () => {
    // `ls -l /proc/self/fd` run by the agent: what any program it starts inherits (Node's own
    // descriptors are close-on-exec, so this is what the worker's process passed through bwrap).
    const listing = String(notesOf(shared, "fds")["childFds"]);
    const fds = [...listing.matchAll(/ (\d+) -> (.*)$/gm)].map((m) => `${m[1]} -> ${m[2]}`);
    const unexpected = fds.filter((f) => !/^[012] -> /.test(f) && !/ -> \/proc\/\d+\/fd$/.test(f));
    expect(unexpected).toEqual([]);
    // Its own PID namespace: only itself (and the ls) are visible.
    expect((notesOf(shared, "fds")["pids"] as string[]).length).toBeLessThanOrEqual(3);
  });

  it("commits file names with newlines, dashes, controls and bidi characters as files", async () => {
    const snapshot = await h.run(issue);
    expect(snapshot?.tasks.find((t) => t.id === "names")?.status).toBe("complete");
    const tree = git("ls-tree", "-r", "-z", "--name-only", `orchestrate/${issue}-names`)
      .split("\0")
      .filter((p) => p.startsWith("names/"));
    expect(tree).toHaveLength(10);
    expect(tree).toContain("names/line\nbreak.txt");
    expect(tree).toContain("names/--upload-pack=touch pwned");
  });

  it("fails a change git cannot take (bad encoding attribute, unborn embedded repo) as the agent's fault, not the worker's", async () => {
    const snapshot = await h.run(issue);
    for (const id of ["encoding", "unborn"]) {
      const t = snapshot?.tasks.find((x) => x.id === id);
      expect(t?.status).toBe("failed");
      // An infrastructure failure would count against the worker, not name the agent's change.
      expect(`${id}: ${t?.lastFailure ?? ""}`).not.toMatch(/worker-error|git add failed|fatal:/);
      expect(t?.lastFailure ?? "").toMatch(/cannot be committed/);
    }
  });

  it("shows a hostile report literally in the status comment and the PR body", async () => {
    const snapshot = await h.run(issue);
    expect(snapshot?.tasks.find((t) => t.id === "report")?.status).toBe("complete");
    const repo = h.sandbox.state.repos.get(h.repo)!;
    const bodies = [
      ...h.sandbox.issueComments(h.repo, issue).map((c) => c.body),
      ...[...repo.pulls.values()].map((p) => (p as { body?: string }).body ?? ""),
    ];
    const all = bodies.join("\n");
    expect(all).not.toMatch(/@maintainer-user|@octo-org\/everyone/);
    expect(all).not.toMatch(/<img|<a href/);
    expect(all).not.toContain("orchestrate:status v2 Zm9yZ2Vk");
    expect(all).not.toContain("<!-- orchestrate:stop -->");
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(65_536);
  });

  it("replays a lost race without writing or deleting through a symlink verify planted", async () => {
    const snapshot = await h.run(issue);
    const statuses = Object.fromEntries(snapshot!.tasks.map((t) => [t.id, t.status]));
    expect(notesOf(shared, "race-second")["waitedForFirst"]).toBe(true);
    expect(readdirSync(join(outside, "docs")).sort()).toEqual(["gone.txt"]);
    expect(readFileSync(join(outside, "docs", "gone.txt"), "utf8")).toContain("canary");
    expect(statuses["race-first"]).toBe("complete");
    expect(statuses["race-second"]).toBe("complete");
    const files = git("ls-tree", "-r", "--name-only", `orchestrate/${issue}-race`);
    expect(files).toContain("race-second.txt");
    expect(files).toContain("docs/first.txt");
    expect(files).not.toContain("docs/gone.txt");
  });
});

describe("a hostile planner", () => {
  let h: Harness;
  let shared: string;
  let outside: string;

  beforeAll(async () => {
    ({ shared, outside } = dirs());
    h = await startHarness({
      repoPrefix: "moretraps-plan",
      env: {
        ORCHESTRATE_BACKENDS: JSON.stringify([
          // The planned task's agent (the first backend is the default); the planner is next.
          { name: "edit", command: [process.execPath, resolve("test/agents/edit-agent.mjs")] },
          {
            name: "planner",
            command: [process.execPath, plannerTrap],
            env: { HOSTILE_SHARED: shared, HOSTILE_OUTSIDE: outside },
          },
        ]),
        ORCHESTRATE_PLANNER: "planner",
        ORCHESTRATE_SANDBOX_SHARED: shared,
      },
    });
    await labelNewIssue(h, { title: "Plan me", body: "Users want saved searches." });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    rmSync(shared, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("ran in a working directory of its own, its attempt folder outside it", () => {
    const saw = JSON.parse(readFileSync(join(shared, "planner-saw-plan.json"), "utf8"));
    expect(saw.cwd).toMatch(/\/work$/);
    expect(saw.seen).not.toContain("attempt-1");
  });

  it("never writes the planner's text through a symlink the planner planted", () => {
    // The worker writes <attempt>/report.md after the planner exits; the planner owns that folder.
    const pwned = join(outside, "pwned");
    expect(existsSync(pwned) ? `written: ${readFileSync(pwned, "utf8")}` : "absent").toBe("absent");
  });
});

describe("an agent that shares the worker's network", () => {
  let h: Harness;
  let shared: string;
  let abstract: Server;
  const heard: string[] = [];
  const abstractName = `orchestrate-trap-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    shared = mkdtempSync(join(tmpdir(), "orchestrate-more-traps-net-"));
    // A host service on an abstract unix socket (as X11, D-Bus or a container runtime may have).
    abstract = createServer((socket) => {
      socket.on("data", (d) => heard.push(d.toString()));
      socket.end("abstract socket answered\n");
    });
    await new Promise<void>((r) => abstract.listen({ path: `\0${abstractName}` }, r));
    h = await startHarness({
      repoPrefix: "moretraps-net",
      env: {
        ORCHESTRATE_SANDBOX_SHARED: shared,
        ORCHESTRATE_SANDBOX_NETWORK: "netty",
        ORCHESTRATE_BACKENDS: JSON.stringify([
          {
            name: "netty",
            command: [process.execPath, agent],
            env: {
              HOSTILE_SHARED: shared,
              HOSTILE_ABSTRACT: abstractName,
              HOSTILE_REDIS_PORT: new URL(inject("redisUrl")).port,
            },
          },
        ]),
      },
      files: { "README.md": "# demo\n", ".github/orchestrate.yml": "limits:\n  attempts: 1\n" },
    });
    await labelNewIssue(h, {
      title: "Network",
      body: "## net\n- [ ] network: Use the network\n      backend: netty\n",
    });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await new Promise((r) => abstract.close(r));
    rmSync(shared, { recursive: true, force: true });
  });

  it("cannot talk to the worker's Redis on loopback", () => {
    const notes = notesOf(shared, "network");
    expect(String(notes["redis"])).not.toMatch(/\+PONG|:\d+\r\n/);
  });
});
