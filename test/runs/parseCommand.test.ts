import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/runs/parseCommand.js";

describe("/orchestrate commands", () => {
  it("reads the command from the start of the first line only", () => {
    expect(parseCommand("/orchestrate")).toEqual({
      kind: "command",
      command: "start",
      argument: null,
    });
    expect(parseCommand("  /orchestrate stop\nplease")).toEqual({
      kind: "command",
      command: "stop",
      argument: null,
    });
    expect(parseCommand("/Orchestrate retry api-routes")).toEqual({
      kind: "command",
      command: "retry",
      argument: "api-routes",
    });
    expect(parseCommand("I think we should /orchestrate this")).toEqual({ kind: "none" });
    expect(parseCommand("> /orchestrate stop")).toEqual({ kind: "none" });
  });

  it("tells an unknown word apart from no command", () => {
    expect(parseCommand("/orchestrate launch")).toEqual({ kind: "unknown", word: "launch" });
    expect(parseCommand("/orchestrated")).toEqual({ kind: "none" });
  });
});
