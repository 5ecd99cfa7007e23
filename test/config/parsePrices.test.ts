import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/configError.js";
import { loadOperatorConfig } from "../../src/config/env.js";
import { parsePrices } from "../../src/config/parsePrices.js";
import { priceUsage } from "../../src/worker/priceUsage.js";

const dir = mkdtempSync(join(tmpdir(), "orchestrate-prices-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ORCHESTRATE_PRICES", () => {
  it("reads prices per million tokens by model, as JSON or from a file", () => {
    const json = '{"gpt-5":{"input":1.25,"output":10}}';
    expect(parsePrices(json)).toEqual({ "gpt-5": { input: 1.25, output: 10 } });
    const file = join(dir, "prices.json");
    writeFileSync(file, json);
    expect(parsePrices(file)).toEqual({ "gpt-5": { input: 1.25, output: 10 } });
    expect(parsePrices(undefined)).toEqual({});
    expect(loadOperatorConfig({ ORCHESTRATE_PRICES: json }).prices).toEqual({
      "gpt-5": { input: 1.25, output: 10 },
    });
  });

  it("is refused at startup with one line naming what is wrong", () => {
    const refusal = (value: string) => {
      try {
        loadOperatorConfig({ ORCHESTRATE_PRICES: value });
      } catch (error) {
        if (error instanceof ConfigError) return error.issues;
        throw error;
      }
      throw new Error("expected a ConfigError");
    };
    expect(refusal('{"gpt-5":{"input":"cheap","output":10}}')).toEqual([
      'ORCHESTRATE_PRICES["gpt-5"]["input"]: must be a number: US dollars per million input tokens',
    ]);
    expect(refusal('{"gpt-5":{"input":1,"output":-2}}')).toEqual([
      'ORCHESTRATE_PRICES["gpt-5"]["output"]: must not be negative: US dollars per million output tokens',
    ]);
    expect(refusal('{"gpt-5":{"input":1,"output":2,"cached":0.1}}')).toEqual([
      'ORCHESTRATE_PRICES["gpt-5"]: Unrecognized key: "cached" (allowed: input, output)',
    ]);
    expect(refusal("{gpt-5: 1}")[0]).toMatch(/^ORCHESTRATE_PRICES does not parse as JSON \(/);
    expect(refusal(join(dir, "missing.json"))).toEqual([
      `ORCHESTRATE_PRICES: cannot read the file "${join(dir, "missing.json")}"; write the prices as JSON such as {"gpt-5":{"input":1.25,"output":10}}, or the path of a file holding it`,
    ]);
  });

  it("turns tokens into dollars where the CLI reports no cost, by model, else by backend", () => {
    const prices = { "gpt-5": { input: 1.25, output: 10 }, codex: { input: 2, output: 8 } };
    const used = { inputTokens: 2_000_000, outputTokens: 100_000 };
    expect(priceUsage({ ...used, model: "gpt-5" }, prices, "codex").costUsd).toBe(3.5);
    // codex names no model unless it was given one: the backend's price is the fallback.
    expect(priceUsage(used, prices, "codex").costUsd).toBe(4.8);
    // The CLI's own cost wins; a model nobody priced stays unknown.
    expect(priceUsage({ ...used, costUsd: 0.1 }, prices, "codex").costUsd).toBe(0.1);
    expect(priceUsage({ ...used, model: "other" }, prices, "gemini").costUsd).toBeUndefined();
    expect(priceUsage({ ...used, model: "constructor" }, {}, "gemini").costUsd).toBeUndefined();
  });
});
