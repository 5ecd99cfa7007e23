/**
 * A task-list item a maintainer can tick, like Renovate's dependency dashboard. The hidden
 * marker, not the visible text, is what `tickedCommands` recognises, so the wording can change
 * freely; task ids are limited to `[A-Za-z0-9._-]`, which cannot end the HTML comment.
 */
export function checkboxLine(
  command: "retry" | "stop" | "start",
  taskId: string | null,
  text: string,
): string {
  const marker =
    command === "retry"
      ? `orchestrate:retry:${taskId ?? ""}`
      : command === "stop"
        ? "orchestrate:stop"
        : "orchestrate:rerun";
  return `- [ ] <!-- ${marker} --> ${text}`;
}
