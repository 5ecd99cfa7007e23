import { performance } from "node:perf_hooks";
import { buildPlan } from "../src/spec/buildPlan.js";
import { parseSpec } from "../src/spec/parseSpec.js";
import { priorities } from "../src/spec/priorities.js";
import type { Task } from "../src/spec/task.js";

const GROUPS = 20;
const WARMUP_RUNS = 2;
const MEASURED_RUNS = 7;

/**
 * Planning cost for large specs: parse + validate + prioritise (buildPlan) of generated yaml, json
 * and markdown specs with 1,000 and 5,000 tasks in 20 groups, median wall time in ms after a
 * warm-up. Also the DAG alone (priorities) on the 5,000-task spec and on a 5,000-long chain.
 * Figures only; nothing here passes or fails.
 */
export async function planBench(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const size of [1_000, 5_000]) {
    const tasks = generateTasks(size);
    const limits = { maxTasks: size, maxBytes: 50_000_000 };
    for (const [format, text] of [
      ["yaml", toYaml(tasks)],
      ["json", toJson(tasks)],
      ["markdown", toMarkdown(tasks)],
    ] as const) {
      figures[`plan.${format}.${size}.parseValidatePrioritise.ms`] = median(() => {
        const spec = parseSpec(text, limits);
        if (!spec.ok || spec.format === "freeform")
          throw new Error(`generated ${format} spec is invalid`);
        buildPlan(spec.tasks, { issue: 1, groups: spec.groups });
      });
    }
    figures[`dag.priorities.${size}.ms`] = median(() => priorities(tasks));
  }
  const chain = Array.from({ length: 5_000 }, (_, i) => ({
    id: `t${i}`,
    depends_on: i ? [`t${i - 1}`] : [],
  }));
  figures["dag.priorities.chain5000.ms"] = median(() => priorities(chain));
  return figures;
}

function median(run: () => unknown): number {
  for (let i = 0; i < WARMUP_RUNS; i++) run();
  const times: number[] = [];
  for (let i = 0; i < MEASURED_RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? 0) * 100) / 100;
}

/**
 * A spec shaped like real ones: groups that mostly build on their own earlier tasks (fan-out
 * from a few foundation tasks), some tasks that join several (fan-in), and about one in seven
 * dependencies crossing to an earlier group. Seeded, so every run measures the same spec.
 */
export function generateTasks(count: number, groups = GROUPS): Task[] {
  const random = mulberry32(count);
  const byGroup: string[][] = Array.from({ length: groups }, () => []);
  const tasks: Task[] = [];
  for (let i = 0; i < count; i++) {
    const group = i % groups;
    const own = byGroup[group] ?? [];
    const id = `g${group}-t${own.length}`;
    const deps = new Set<string>();
    const wanted = own.length === 0 ? 0 : Math.floor(random() * 4); // 0..3
    for (let d = 0; d < wanted; d++) {
      if (group > 0 && random() < 0.15) {
        const other = byGroup[Math.floor(random() * group)] ?? [];
        const dep = other[Math.floor(random() * other.length)];
        if (dep) deps.add(dep);
      } else {
        // Recent tasks of the same group are likelier prerequisites than old ones.
        const back = Math.min(own.length, 1 + Math.floor(random() * random() * 10));
        const dep = own[own.length - back];
        if (dep) deps.add(dep);
      }
    }
    own.push(id);
    tasks.push({
      id,
      group: `group-${group}`,
      title: `Task ${i}: implement part ${own.length} of group ${group}`,
      description: `Implement part ${own.length}.\nKeep the public API stable and add tests.`,
      depends_on: [...deps],
      ...(random() < 0.1 ? { verify: "npm test" } : {}),
    });
  }
  return tasks;
}

function toYaml(tasks: readonly Task[]): string {
  const lines = ["Generated benchmark spec.", "", "```yaml", "tasks:"];
  for (const task of tasks) {
    lines.push(`  - id: ${task.id}`, `    group: ${task.group}`, `    title: "${task.title}"`);
    if (task.depends_on.length > 0) lines.push(`    depends_on: [${task.depends_on.join(", ")}]`);
    if (task.verify) lines.push(`    verify: ${task.verify}`);
    lines.push(
      "    description: |",
      ...task.description.split("\n").map((line) => `      ${line}`),
    );
  }
  lines.push("```", "");
  return lines.join("\n");
}

function toJson(tasks: readonly Task[]): string {
  return [
    "Generated benchmark spec.",
    "",
    "```json",
    JSON.stringify({ tasks }, null, 2),
    "```",
    "",
  ].join("\n");
}

function toMarkdown(tasks: readonly Task[]): string {
  const lines = ["# Generated benchmark spec", ""];
  for (let g = 0; g < GROUPS; g++) {
    lines.push(`## group-${g}`, "");
    for (const task of tasks) {
      if (task.group !== `group-${g}`) continue;
      lines.push(`- [ ] ${task.id}: ${task.title}`);
      if (task.depends_on.length > 0) lines.push(`  depends on: ${task.depends_on.join(", ")}`);
      if (task.verify) lines.push(`  verify: ${task.verify}`);
      lines.push(...task.description.split("\n").map((line) => `  ${line}`));
    }
    lines.push("");
  }
  return lines.join("\n");
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
