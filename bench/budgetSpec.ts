// The spec every run of the budget bench gets: GROUPS groups, the first TWO_TASK_GROUPS of two
// tasks (the second depending on the first, so the branch takes two pushes in turn), the rest
// of one. One task a group: with two in two groups, 50 runs took over 15 minutes on two cores
// (the sandbox, which validates every request, shares the app's one thread).

export const GROUPS = 5;
/** how many of the groups hold two tasks; the others hold one */
export const TWO_TASK_GROUPS = 0;

export interface BudgetGroup {
  name: string;
  /** the file the group's first task writes: where the reviewer leaves a thread */
  firstFile: string;
}

export function budgetGroups(): BudgetGroup[] {
  return Array.from({ length: GROUPS }, (_, g) => ({
    name: `part${g + 1}`,
    firstFile: `p${g + 1}a.txt`,
  }));
}

/** The issue body: a fenced yaml task list the app parses exactly (no planner). */
export function budgetSpec(): string {
  const tasks: string[] = [];
  for (let g = 1; g <= GROUPS; g++) {
    tasks.push(
      `  - id: p${g}a`,
      `    group: part${g}`,
      `    title: Part ${g}, first change`,
      `    description: Add the first piece of part ${g}.`,
    );
    if (g <= TWO_TASK_GROUPS) {
      tasks.push(
        `  - id: p${g}b`,
        `    group: part${g}`,
        `    depends_on: [p${g}a]`,
        `    title: Part ${g}, second change`,
        `    description: Build on the first piece of part ${g}.`,
      );
    }
  }
  return ["Budget bench work.", "", "```yaml", "tasks:", ...tasks, "```", ""].join("\n");
}

/** The task the agent holds while the bench watches a run whose agent works. */
export const HELD_TASK = "held";

/** A one-task spec whose task the bench agent holds (see bench/agents/budget-agent.mjs). */
export function heldSpec(): string {
  return [
    "Budget bench: one long task.",
    "",
    "```yaml",
    "tasks:",
    `  - id: ${HELD_TASK}`,
    "    group: long",
    "    title: A task that takes a while",
    "    description: Work that keeps an agent busy.",
    "```",
    "",
  ].join("\n");
}
