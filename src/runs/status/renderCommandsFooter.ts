import { commandHelp } from "../parseCommand.js";

/** The commands, folded away: people look them up once, then they are noise. */
export function renderCommandsFooter(): string {
  const items = commandHelp.split("\n").map((line) => `- ${line}`);
  return ["<details><summary>Commands</summary>", "", ...items, "", "</details>"].join("\n");
}
