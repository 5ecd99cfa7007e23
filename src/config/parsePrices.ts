// How the operator prices tokens for the CLIs that report none (ORCHESTRATE_PRICES).

import { readFileSync } from "node:fs";
import { z } from "zod";

/** US dollars per million tokens, by model (or by backend name, for a CLI that names no model). */
export type PriceTable = Record<string, { input: number; output: number }>;

const ENV_NAME = "ORCHESTRATE_PRICES";
const EXAMPLE = '{"gpt-5":{"input":1.25,"output":10}}';

const dollars = (what: string) =>
  z
    .number({ error: `must be a number: US dollars per million ${what} tokens` })
    .nonnegative({ error: `must not be negative: US dollars per million ${what} tokens` });

const tableSchema = z.record(
  z.string().min(1, { error: "a model name must not be empty" }),
  z.object({ input: dollars("input"), output: dollars("output") }).strict(),
  { error: `must be a JSON object of prices by model, e.g. ${EXAMPLE}` },
);

/**
 * Reads the operator's `ORCHESTRATE_PRICES`: JSON (`{"<model>": {"input": 1.25, "output": 10}}`,
 * dollars per million tokens), or the path of a file holding it. Unset gives `{}`. Throws one
 * line naming what is wrong.
 */
export function parsePrices(value: string | undefined): PriceTable {
  const text = value?.trim() ?? "";
  if (text === "") return {};
  let json = text;
  if (!text.startsWith("{")) {
    try {
      json = readFileSync(text, "utf8");
    } catch {
      throw new Error(
        `${ENV_NAME}: cannot read the file "${text}"; write the prices as JSON such as ${EXAMPLE}, or the path of a file holding it`,
      );
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(
      `${ENV_NAME} does not parse as JSON (${(error as Error).message}); write an object such as ${EXAMPLE}`,
    );
  }
  const parsed = tableSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((p) => `[${JSON.stringify(String(p))}]`).join("");
    const hint = issue?.code === "unrecognized_keys" ? " (allowed: input, output)" : "";
    throw new Error(`${ENV_NAME}${path}: ${issue?.message ?? "is invalid"}${hint}`);
  }
  return parsed.data;
}
