import type { RepoPermission } from "../github/githubPort.js";

export function refusalMessage(login: string, permission: RepoPermission): string {
  return [
    `@${login}, thank you — but only people with write, maintain or admin permission on this repository can start, stop or retry Orchestrate runs (your permission here is \`${permission}\`).`,
    "",
    "Nothing was started. If you would like this run, ask a maintainer to label the issue or comment `/orchestrate`.",
  ].join("\n");
}
