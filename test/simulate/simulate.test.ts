import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { simulateCommand } from "../../src/cli/simulateCommand.js";
import { simulate } from "../../src/simulate/simulate.js";

const dir = mkdtempSync(join(tmpdir(), "orchestrate-simulate-test-"));
const spec = join(dir, "spec.md");
writeFileSync(
  spec,
  "# Greeting\n\n## core\n- [ ] hello: Add hello\n- [ ] world: Add world\n      depends on: hello\n\n## docs\n- [ ] readme: Document it\n",
);
// simulate runs each agent as `sh -c CMD` in the sandbox, where this checkout is not visible
// (only a file named as a word of a backend's argv is bound; CMD is one word), so the agent's
// source goes in the command itself.
const quoted = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
const agent = `${process.execPath} --input-type=module -e ${quoted(
  readFileSync(resolve("test/agents/review-agent.mjs"), "utf8"),
)}`;

describe("orchestrate simulate", () => {
  it("runs a spec with reviews to done and reports tasks, branches, PRs and threads", async () => {
    const reviews = join(dir, "reviews.json");
    writeFileSync(
      reviews,
      JSON.stringify([
        {
          group: "core",
          path: "hello.txt",
          line: 1,
          body: "Reword this.",
          author: "maintainer-user",
          permission: "write",
        },
        {
          group: "docs",
          path: "readme.txt",
          line: 1,
          body: "Drop it.",
          author: "drive-by",
          permission: "read",
        },
      ]),
    );
    const result = await simulate({
      specFile: spec,
      agents: [agent],
      reviewsFile: reviews,
      timeoutMs: 120_000,
      progress: () => {},
    });
    expect(result.run.state, JSON.stringify(result.tasks, null, 1)).toBe("done");
    expect(result.tasks.filter((t) => t.kind === "implement").map((t) => [t.id, t.status])).toEqual(
      [
        ["hello", "complete"],
        ["world", "complete"],
        ["readme", "complete"],
      ],
    );
    expect(result.tasks.some((t) => t.kind === "review-thread" && t.status === "complete")).toBe(
      true,
    );
    expect(result.branches.map((b) => b.name).sort()).toEqual([
      "main",
      "orchestrate/1-core",
      "orchestrate/1-docs",
    ]);
    const core = result.pulls.find((p) => p.group === "core");
    expect(core?.files).toEqual(
      expect.arrayContaining(["hello.txt", "world.txt", "review-fixes.txt"]),
    );
    const maintainer = result.threads.find((t) => t.author === "maintainer-user");
    expect(maintainer?.isResolved).toBe(true);
    expect(maintainer?.replies[0]?.author).toBe("orchestrate[bot]");
    const stranger = result.threads.find((t) => t.author === "drive-by");
    expect(stranger).toMatchObject({ isResolved: false, replies: [] });
    expect(result.github.requests).toBeGreaterThan(0);
  });

  it("with --ci, a red check's output reaches an agent as a ci-fix task, whose push turns CI green", async () => {
    const one = join(dir, "one.md");
    writeFileSync(one, "# Greeting\n\n## core\n- [ ] hello: Add hello\n");
    // Writes its task's file; given a work order with the failed check's output, the fix.
    const fixer = [
      "order=$(cat)",
      'if printf %s "$order" | grep -q "ci-fixed.txt is missing"; then echo fixed > ci-fixed.txt',
      "else date +%s%N > hello.txt; fi",
    ].join("; ");
    const result = await simulate({
      specFile: one,
      agents: [fixer],
      ci: 'test -f ci-fixed.txt || { echo "ci-fixed.txt is missing"; exit 1; }',
      timeoutMs: 120_000,
      progress: () => {},
    });
    expect(result.run.state, JSON.stringify(result.tasks, null, 1)).toBe("done");
    expect(result.tasks.map((t) => `${t.kind} ${t.status}`).sort()).toEqual([
      "ci-fix complete",
      "implement complete",
    ]);
    expect(result.pulls.find((p) => p.group === "core")?.files).toEqual(
      expect.arrayContaining(["hello.txt", "ci-fixed.txt"]),
    );
  });

  it("a group whose CI rounds are spent leaves the other groups' tasks running, then asks for a person", async () => {
    const chain = join(dir, "chain.md");
    writeFileSync(
      chain,
      "# Chain\n\n## x\n- [ ] x1: X\n\n## y\n- [ ] y1: Y\n      depends on: x1\n\n## z\n- [ ] z1: Z\n      depends on: y1\n",
    );
    const config = join(dir, "no-rounds.yml");
    writeFileSync(config, "limits:\n  ci_rounds: 0\n");
    // x's CI fails at once; y and z take a while, so x's rounds are spent while they work.
    const agent =
      'case "$ORCHESTRATE_TASK_ID" in x1) ;; *) sleep 2 ;; esac; echo ok > "$ORCHESTRATE_TASK_ID.txt"';
    const result = await simulate({
      specFile: chain,
      agents: [agent],
      configFile: config,
      ci: 'if [ -f x1.txt ]; then echo "x is broken"; exit 1; fi',
      timeoutMs: 120_000,
      progress: () => {},
    });
    expect(result.tasks.map((t) => `${t.id} ${t.status}`).sort()).toEqual([
      "x1 complete",
      "y1 complete",
      "z1 complete",
    ]);
    const x = result.pulls.find((p) => p.group === "x");
    expect(result.run.state).toBe("needs-input");
    expect(result.run.reason).toContain(`CI still fails on #${x?.number} after 0 fix rounds`);
  });

  it("with stack: true, a parent's red CI is fixed in the parent only, and its fix reaches the stacked child", async () => {
    const stacked = join(dir, "stacked.md");
    writeFileSync(
      stacked,
      "# Stack\n\n## p\n- [ ] p1: P\n\n## c\n- [ ] c1: C\n      depends on: p1\n",
    );
    const config = join(dir, "stack.yml");
    writeFileSync(config, "stack: true\n");
    // Told that p is broken, it mends it, slowly: the child's CI fails meanwhile too.
    const agent = [
      "order=$(cat)",
      'if printf %s "$order" | grep -q "p is broken"; then sleep 3; echo fixed > fixed.txt',
      'else echo ok > "$ORCHESTRATE_TASK_ID.txt"; fi',
    ].join("; ");
    const result = await simulate({
      specFile: stacked,
      agents: [agent],
      configFile: config,
      ci: 'if [ -f p1.txt ] && [ ! -f fixed.txt ]; then echo "p is broken"; exit 1; fi',
      timeoutMs: 120_000,
      progress: () => {},
    });
    expect(result.run.state, JSON.stringify(result.tasks, null, 1)).toBe("done");
    const kinds = (group: string) =>
      result.tasks
        .filter((t) => t.group === group)
        .map((t) => t.kind)
        .sort();
    expect(kinds("p")).toEqual(["ci-fix", "implement"]);
    // No round of the child's on the parent's failure: the fix came by its catch-up.
    expect(kinds("c")).toEqual(["catch-up", "implement"]);
    expect(result.pulls.find((p) => p.group === "c")).toMatchObject({
      base: "orchestrate/1-p",
      ci: { state: "green", failing: [] },
      files: ["c1.txt"],
    });
  });

  it("exits 1 with a usage line when --spec or --agent is missing", async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await simulateCommand(["--spec", spec])).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join("")).toMatch(/--spec and --agent are required/);
  });
});
