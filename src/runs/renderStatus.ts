import type { RunSnapshot } from "./run.js";
import { encodeStatusMetadata } from "./statusMetadata.js";

/** The status comment: the run's face on the issue, edited in place for its whole life. */
export function renderStatus(snapshot: RunSnapshot): string {
  const { run } = snapshot;
  const lines = [`### Orchestrate run · **${run.state}**`, ""];
  if (run.reason) lines.push(`_${run.reason}_`, "");
  if (run.state === "planning") lines.push(`Accepted — started by @${run.startedBy}. Planning the spec…`, "");
  lines.push(encodeStatusMetadata(snapshot));
  return lines.join("\n");
}
