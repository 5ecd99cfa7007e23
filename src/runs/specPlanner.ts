import { buildPlan } from "../spec/buildPlan.js";
import { formatError } from "../spec/formatError.js";
import { mergeSpecFiles } from "../spec/mergeSpecFiles.js";
import { parseSpec } from "../spec/parseSpec.js";
import { planWithPlanner } from "../spec/planner.js";
import { relocateSpecErrors } from "../spec/relocateSpecErrors.js";
import type { Task } from "../spec/task.js";
import type { TaskRecord } from "./run.js";
import type { PlanOutcome, SpecPlanner } from "./runLifecycle.js";

/** A merged spec (body plus named files) may be larger than one issue body. */
const MERGED_MAX_BYTES = 1024 * 1024;
/** GitHub's limit for an issue body, in characters. */
const ISSUE_BODY_MAX_CHARS = 65_536;
/** The most bytes that many characters take in UTF-8. */
const ISSUE_BODY_MAX_BYTES = 4 * ISSUE_BODY_MAX_CHARS;

/**
 * Plans an issue: an exact task list is parsed as written; a free-form spec goes to the
 * operator's planner command through `ask` (null when none is configured).
 */
export function specPlanner(ask: ((prompt: string) => Promise<string>) | null): SpecPlanner {
  return {
    async plan(input): Promise<PlanOutcome> {
      const maxTasks = input.config.limits.max_tasks;
      // GitHub limits an issue body in characters, not bytes: a body it accepted, written in
      // Hebrew or with emoji, is up to four times as many bytes and must not be refused for it.
      const chars = [...input.body].length;
      if (chars > ISSUE_BODY_MAX_CHARS) {
        return {
          kind: "invalid",
          errors: [
            `the spec is ${chars.toLocaleString("en-US")} characters; GitHub's limit for an issue body is ${ISSUE_BODY_MAX_CHARS.toLocaleString("en-US")} — move detail into spec files (\`spec: docs/feature.md\`) or split the issue`,
          ],
        };
      }
      let parsed = parseSpec(input.body, { maxTasks, maxBytes: ISSUE_BODY_MAX_BYTES });
      let sections: Parameters<typeof relocateSpecErrors>[1] = [];
      let specText = input.body;
      if (parsed.files.length > 0) {
        const files: Record<string, string | null> = {};
        for (const path of parsed.files) files[path] = await input.readFile(path);
        const merged = mergeSpecFiles(input.body, files);
        if (!merged.ok) return { kind: "invalid", errors: merged.errors.map(formatError) };
        sections = merged.sections;
        specText = merged.text;
        parsed = parseSpec(merged.text, { maxTasks, maxBytes: MERGED_MAX_BYTES });
      }
      if (!parsed.ok) {
        return {
          kind: "invalid",
          errors: relocateSpecErrors(parsed.errors, sections).map(formatError),
        };
      }
      if (parsed.format !== "freeform") {
        return planned(parsed.tasks, parsed.groups, input.issueNumber);
      }
      if (!ask) {
        return {
          kind: "invalid",
          errors: [
            "this spec has no task list, and no planner is configured to write one — add a task list (a ```yaml block, or the checklist convention in Orchestrate's README), or ask the operator to set ORCHESTRATE_PLANNER",
          ],
        };
      }
      const conversation = input.conversation.length
        ? `\n\n## Questions asked earlier and their answers\n\n${input.conversation.join("\n\n")}`
        : "";
      const answer = await planWithPlanner(`# ${input.title}\n\n${specText}${conversation}`, ask, {
        maxTasks,
      });
      if (answer.kind === "questions") return { kind: "questions", questions: answer.questions };
      if (answer.kind === "invalid") {
        return {
          kind: "invalid",
          errors: [
            "the planner did not return a valid task list after several tries:",
            ...answer.errors.map(formatError),
          ],
        };
      }
      return planned(answer.tasks, undefined, input.issueNumber);
    },
  };
}

/** A parsed task list as the run's work: tasks (all pending) and the groups' branches. */
export function planned(
  tasks: readonly Task[],
  groups: readonly string[] | undefined,
  issue: number,
): PlanOutcome {
  const plan = buildPlan(tasks, { issue, ...(groups ? { groups } : {}) });
  const records: TaskRecord[] = plan.tasks.map((t) => ({
    id: t.id,
    group: t.group,
    depends_on: [...t.depends_on],
    title: t.title,
    description: t.description,
    verify: t.verify,
    backend: t.backend,
    model: t.model,
    effort: t.effort,
    race: t.race,
    priority: t.priority,
    status: "pending",
    kind: "implement",
    attempts: 0,
  }));
  return {
    kind: "plan",
    tasks: records,
    groups: plan.groups.map((g) => ({ name: g.name, branch: g.branch })),
  };
}
