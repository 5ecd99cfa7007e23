/**
 * The branch a group's tasks land on. Without an issue number (the CLI's dry run) the number is
 * shown as the placeholder `N`.
 */
export function groupBranch(issue: number | undefined, group: string): string {
  return `orchestrate/${issue ?? "N"}-${group}`;
}
