import { describe, expect, it } from "vitest";
import { botLoginMatches } from "../../src/runs/botLoginMatches.js";

describe("botLoginMatches", () => {
  it("matches a bot in its REST, GraphQL and [bot] forms, in any case", () => {
    expect(botLoginMatches(["coderabbitai[bot]"], "coderabbitai")).toBe(true);
    expect(botLoginMatches(["CodeRabbitAI"], "coderabbitai[bot]")).toBe(true);
    expect(botLoginMatches(["coderabbitai"], "CODERABBITAI")).toBe(true);
  });

  it("knows Copilot's reviewer by its REST name and its app user's", () => {
    for (const configured of ["Copilot", "copilot-pull-request-reviewer[bot]", "COPILOT"]) {
      expect(botLoginMatches([configured], "copilot-pull-request-reviewer"), configured).toBe(true);
      expect(botLoginMatches([configured], "Copilot"), configured).toBe(true);
    }
  });

  it("does not match another bot, or a prefix of a name", () => {
    expect(botLoginMatches(["coderabbitai[bot]"], "coderabbit")).toBe(false);
    expect(botLoginMatches(["copilot"], "copilot-swe-agent")).toBe(false);
    expect(botLoginMatches([], "coderabbitai")).toBe(false);
  });
});
