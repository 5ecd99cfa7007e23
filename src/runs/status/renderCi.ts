import type { GroupRecord } from "../run.js";
import { inlineText } from "./inlineText.js";

/** How CI stands on a group PR's head, for its line in the status comment; "" without CI. */
export function renderCi(group: GroupRecord, fixRounds: number, maxRounds: number): string {
  const ci = group.ci;
  if (!ci || group.pull === null) return "";
  const names = (list: string[] | undefined) =>
    (list ?? []).map((n) => `\`${inlineText(n, 60).replace(/`/g, "'")}\``).join(", ");
  const rounds = fixRounds > 0 ? ` (fix round ${fixRounds} of ${maxRounds})` : "";
  const said = {
    pending: `CI ⏳ running: ${names(ci.pending)}`,
    green: `CI ✅ green${rounds}`,
    red: `CI ❌ failed: ${names(ci.failing)}${rounds}`,
    none: "",
    blind: "CI not followed",
  }[ci.state];
  const note = ci.note ? `_${inlineText(ci.note, 300)}_` : "";
  return [said, note].filter(Boolean).join(" · ");
}
