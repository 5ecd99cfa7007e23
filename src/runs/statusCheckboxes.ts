export interface TickedCommand {
  command: "retry" | "stop" | "start";
  argument: string | null;
}

/**
 * A task-list item of ours (see `status/checkboxLine.ts`): GitHub flips `[ ]` to `[x]` in the
 * markdown when someone ticks it. Only the hidden marker identifies it, so a box a person wrote
 * with the same words, or a task title quoting the words, is never taken for ours.
 */
const item =
  /^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+<!-- orchestrate:(stop|rerun|retry:([A-Za-z0-9][A-Za-z0-9._-]*)) -->/;

/**
 * The commands a maintainer asked for by ticking boxes in the status comment, from the body
 * before and after an `issue_comment.edited` event: every box of ours that was unticked before
 * and is ticked now, in the order they appear. A box that is new in the edit (typed in, not
 * ticked), one unticked again, and every other change to the text are ignored.
 */
export function tickedCommands(before: string, after: string): TickedCommand[] {
  const was = boxes(before);
  const ticked: TickedCommand[] = [];
  const seen = new Set<string>();
  for (const [key, now] of boxes(after)) {
    const then = was.get(key);
    if (!then || seen.has(key)) continue;
    // Compared by count so a marker that appears twice still reports one tick, and only when a
    // box of that marker really went from empty to ticked.
    if (now.checked > then.checked && then.unchecked > 0) {
      seen.add(key);
      ticked.push(now.command);
    }
  }
  return ticked;
}

interface BoxState {
  command: TickedCommand;
  checked: number;
  unchecked: number;
}

function boxes(body: string): Map<string, BoxState> {
  const found = new Map<string, BoxState>();
  for (const line of body.split(/\r?\n/)) {
    const match = item.exec(line);
    if (!match) continue;
    const key = match[2] ?? "";
    const state = found.get(key) ?? {
      command:
        key === "stop"
          ? { command: "stop", argument: null }
          : key === "rerun"
            ? { command: "start", argument: null }
            : { command: "retry", argument: match[3] ?? null },
      checked: 0,
      unchecked: 0,
    };
    if (match[1] === " ") state.unchecked++;
    else state.checked++;
    found.set(key, state);
  }
  return found;
}
