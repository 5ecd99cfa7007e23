import type { RunSnapshot } from "./run.js";
import { type StackPlace, stackChain } from "./stackParent.js";
import { inlineText } from "./status/inlineText.js";

/**
 * The line a stacked group's PR body (and the status comment) links the stack with, root
 * first: `Stack: #1 → #2 → **#3 (this)**`; a group whose PR is not opened yet shows its name.
 * Null for a group with no stack around it.
 */
export function renderStackLine(
  snapshot: Pick<RunSnapshot, "run" | "tasks">,
  group: string,
  o: { here?: boolean; places?: Map<string, StackPlace> } = {},
): string | null {
  const chain = stackChain(snapshot, group, o.places);
  if (chain.length < 2) return null;
  const links = chain.map((name) => {
    const record = snapshot.run.groups.find((g) => g.name === name);
    const label = record?.pull ? `#${record.pull}` : `${inlineText(name, 80)} (not opened yet)`;
    return name === group && o.here !== false ? `**${label} (this)**` : label;
  });
  return `Stack: ${links.join(" → ")}`;
}
