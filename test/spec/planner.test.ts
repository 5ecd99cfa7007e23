import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planWithPlanner } from "../../src/spec/planner.js";
import { plannersDir, specFixture } from "./fixtures.js";
import { spawnAsk } from "./spawnAsk.js";

const spec = specFixture("freeform.md");
let dir: string;
let counter: string;
const calls = () => Number(readFileSync(counter, "utf8"));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "orchestrate-planner-"));
  counter = join(dir, "calls");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("planWithPlanner with real planner processes", () => {
  it("takes a valid plan wrapped in prose and a ```json fence", async () => {
    const result = await planWithPlanner(spec, spawnAsk(join(plannersDir, "valid.mjs")));
    expect(result).toEqual({
      kind: "plan",
      attempts: 1,
      groups: ["db", "api", "web"],
      tasks: [
        {
          id: "schema",
          group: "db",
          title: "Saved searches table",
          description: "Add the table.",
          depends_on: [],
        },
        {
          id: "routes",
          group: "api",
          title: "Routes",
          description: "Add the routes.",
          depends_on: ["schema"],
        },
        {
          id: "page",
          group: "web",
          title: "Saved searches page",
          description: "Add the page.",
          depends_on: ["routes"],
        },
      ],
    });
  });

  it("retries invalid JSON with the problem quoted back, then takes the valid answer", async () => {
    const ask = spawnAsk(join(plannersDir, "flaky.mjs"), { ORCHESTRATE_TEST_COUNTER: counter });
    const result = await planWithPlanner(spec, ask);
    expect(result).toMatchObject({
      kind: "plan",
      attempts: 2,
      tasks: [{ id: "schema" }, { id: "routes" }],
    });
    expect(calls()).toBe(2);
  });

  it("gives up after maxAttempts answers that fail validation, returning the errors and last answer", async () => {
    const ask = spawnAsk(join(plannersDir, "invalid.mjs"), { ORCHESTRATE_TEST_COUNTER: counter });
    const result = await planWithPlanner(spec, ask, { maxAttempts: 3 });
    expect(calls()).toBe(3);
    expect(result.kind).toBe("invalid");
    if (result.kind !== "invalid") return;
    expect(result.attempts).toBe(3);
    expect(result.lastAnswer).toContain('"ghost"');
    expect(result.errors.map((e) => [e.task, e.code])).toEqual([
      ["b", "unknown_dependency"],
      ["a", "dependency_cycle"],
    ]);
    expect(result.errors[1]?.message).toContain("a → b → a");
  });

  it("honours a smaller attempt budget", async () => {
    const ask = spawnAsk(join(plannersDir, "invalid.mjs"), { ORCHESTRATE_TEST_COUNTER: counter });
    expect(await planWithPlanner(spec, ask, { maxAttempts: 1 })).toMatchObject({
      kind: "invalid",
      attempts: 1,
    });
    expect(calls()).toBe(1);
  });

  it("returns the planner's questions", async () => {
    const result = await planWithPlanner(spec, spawnAsk(join(plannersDir, "questions.mjs")));
    expect(result).toEqual({
      kind: "questions",
      attempts: 1,
      questions: ["Which database holds saved searches?", "Should the email be opt-in or opt-out?"],
    });
  });

  it("propagates a planner process that fails, rather than retrying it as a bad answer", async () => {
    // valid.mjs exits 3 when the prompt has no spec in it.
    const ask = spawnAsk(join(plannersDir, "valid.mjs"));
    await expect(planWithPlanner(spec, async () => ask("no spec here"))).rejects.toThrow(
      /exited 3/,
    );
  });
});

describe("planWithPlanner prompts", () => {
  it("tells the planner the schema and the spec, and on retry the errors and previous answer", async () => {
    const prompts: string[] = [];
    const answers = [
      "no json at all",
      '{"tasks": [{"id": "a", "group": "g", "title": "A", "description": "", "depends_on": []}]}',
    ];
    const result = await planWithPlanner("Build the thing.", async (prompt) => {
      prompts.push(prompt);
      return answers[prompts.length - 1] ?? "";
    });
    expect(result.kind).toBe("plan");
    expect(prompts[0]).toContain('"$schema"');
    expect(prompts[0]).toContain('"depends_on"');
    expect(prompts[0]).toContain("----- BEGIN SPEC -----\nBuild the thing.\n----- END SPEC -----");
    expect(prompts[0]).not.toContain("rejected");
    expect(prompts[1]).toContain("Your previous answer was rejected");
    expect(prompts[1]).toContain("the answer holds no JSON object — answer with JSON only");
    expect(prompts[1]).toContain("----- BEGIN PREVIOUS ANSWER -----\nno json at all\n");
  });

  it("rejects an answer with both tasks and questions, and malformed questions", async () => {
    const result = await planWithPlanner("x", async () => '{"tasks": [], "questions": ["why?"]}', {
      maxAttempts: 1,
    });
    expect(result).toMatchObject({ kind: "invalid", errors: [{ code: "wrong_type" }] });
  });

  it("rejects an empty plan", async () => {
    const result = await planWithPlanner("x", async () => '{"tasks": []}', { maxAttempts: 1 });
    expect(result).toMatchObject({ kind: "invalid", errors: [{ code: "not_a_task_list" }] });
  });
});
