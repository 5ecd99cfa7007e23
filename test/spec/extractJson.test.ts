import { describe, expect, it } from "vitest";
import { extractJson } from "../../src/spec/extractJson.js";

describe("extractJson", () => {
  it("reads a bare JSON answer", () => {
    expect(extractJson(' {"tasks": []} \n')).toEqual({ ok: true, value: { tasks: [] } });
  });

  it("reads JSON in a fence or surrounded by prose", () => {
    expect(extractJson('Sure!\n```json\n{"questions": ["a?"]}\n```\nBye')).toEqual({
      ok: true,
      value: { questions: ["a?"] },
    });
    expect(extractJson('Plan: {"tasks": [{"id": "a}"}]} — done.')).toEqual({
      ok: true,
      value: { tasks: [{ id: "a}" }] },
    });
  });

  it("prefers the object that holds tasks over another JSON example in the prose", () => {
    expect(extractJson('Format {"x": 1}. Answer: {"tasks": [1]}')).toEqual({
      ok: true,
      value: { tasks: [1] },
    });
  });

  it("explains what is wrong when there is no valid JSON", () => {
    expect(extractJson("I cannot plan this.")).toEqual({
      ok: false,
      error: "the answer holds no JSON object",
    });
    const broken = extractJson('{"tasks": [');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatch(/^the answer holds no valid JSON \(/);
  });
});
