import { describe, expect, it } from "vitest";
import { renderStatus } from "../../src/runs/renderStatus.js";
import { tickedCommands } from "../../src/runs/statusCheckboxes.js";
import { runningRun } from "./statusFixtures.js";

const now = new Date("2025-03-01T10:30:00.000Z");

/** The comment as GitHub sends it back: CRLF line ends, as its editor writes them. */
const body = renderStatus(runningRun(), { now }).replace(/\n/g, "\r\n");
const tick = (text: string, marker: string) =>
  text.replace(`- [ ] <!-- ${marker} -->`, `- [x] <!-- ${marker} -->`);

describe("tickedCommands", () => {
  it("reads a ticked retry box as a retry of its task", () => {
    expect(tickedCommands(body, tick(body, "orchestrate:retry:api"))).toEqual([
      { command: "retry", argument: "api" },
    ]);
  });

  it("reads a ticked stop box as stop", () => {
    expect(tickedCommands(body, tick(body, "orchestrate:stop"))).toEqual([
      { command: "stop", argument: null },
    ]);
  });

  it("reports several boxes ticked in one edit, in the order they appear", () => {
    const both = tick(tick(body, "orchestrate:stop"), "orchestrate:retry:api");
    expect(tickedCommands(body, both)).toEqual([
      { command: "retry", argument: "api" },
      { command: "stop", argument: null },
    ]);
  });

  it("accepts an upper-case X and other list markers", () => {
    const before = "* [ ] <!-- orchestrate:retry:a.b_c-1 --> Retry failed task `a.b_c-1`";
    expect(tickedCommands(before, before.replace("[ ]", "[X]"))).toEqual([
      { command: "retry", argument: "a.b_c-1" },
    ]);
  });

  it("ignores edits that tick nothing of ours", () => {
    expect(tickedCommands(body, body)).toEqual([]);
    expect(tickedCommands(body, `${body}\r\nA maintainer's note.`)).toEqual([]);
    expect(tickedCommands(body, body.replace("Stop this run", "Stop it"))).toEqual([]);
  });

  it("ignores checkboxes that are not ours", () => {
    const before = `${body}\r\n- [ ] ship it\r\n- [ ] <!-- renovate:rebase --> Rebase`;
    const after = before
      .replace("- [ ] ship it", "- [x] ship it")
      .replace("- [ ] <!-- renovate", "- [x] <!-- renovate");
    expect(tickedCommands(before, after)).toEqual([]);
  });

  it("ignores a box typed in already ticked, and a box unticked", () => {
    const typed = `${body}\r\n- [x] <!-- orchestrate:retry:db --> Retry failed task \`db\``;
    expect(tickedCommands(body, typed)).toEqual([]);
    const ticked = tick(body, "orchestrate:stop");
    expect(tickedCommands(ticked, body)).toEqual([]);
  });

  it("reports a box that was already ticked before only once, when another copy is ticked", () => {
    const stop = "- [ ] <!-- orchestrate:stop --> Stop this run";
    const before = `${stop.replace("[ ]", "[x]")}\n${stop}`;
    const after = `${stop.replace("[ ]", "[x]")}\n${stop.replace("[ ]", "[x]")}`;
    expect(tickedCommands(before, after)).toEqual([{ command: "stop", argument: null }]);
    expect(tickedCommands(before, before)).toEqual([]);
  });

  it("does not take a marker quoted in the middle of a line for a box", () => {
    const before = "Tick - [ ] <!-- orchestrate:stop --> to stop";
    expect(tickedCommands(before, before.replace("[ ]", "[x]"))).toEqual([]);
  });
});
