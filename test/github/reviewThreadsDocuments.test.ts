import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { PULL_HEADS_DOCUMENTS } from "../../src/github/reviewThreads/documents/pullHeadsDocuments.js";
import { THREAD_PAGES_DOCUMENTS } from "../../src/github/reviewThreads/documents/threadPagesDocuments.js";
import { validateGithubDocument } from "../../src/sandbox/graphql/githubSchema.js";
import { queryCost } from "../../src/sandbox/graphql/queryCost.js";

// Every document the port can send, found by reading the documents folder, so a new one
// cannot be added without being checked against GitHub's published schema.

const folder = join(import.meta.dirname, "../../src/github/reviewThreads/documents");

async function exportedDocuments(): Promise<Array<[string, string]>> {
  const found: Array<[string, string]> = [];
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".ts"))) {
    const module = (await import(join(folder, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      const texts =
        typeof value === "string"
          ? [value]
          : Array.isArray(value)
            ? value.filter((v): v is string => typeof v === "string")
            : value !== null && typeof value === "object"
              ? Object.values(value).filter((v): v is string => typeof v === "string")
              : [];
      texts.forEach((text, i) => {
        // fragments are checked inside the documents that use them
        if (!/^\s*fragment\b/.test(text)) found.push([`${file}:${name}[${i}]`, text]);
      });
    }
  }
  return found;
}

describe("review-thread documents", () => {
  it("all validate against GitHub's schema and pagination rules", async () => {
    const documents = await exportedDocuments();
    expect(documents.length).toBeGreaterThanOrEqual(4 + 25 + 5);
    const problems = documents.flatMap(([name, text]) =>
      validateGithubDocument(text).map((message) => `${name}: ${message}`),
    );
    expect(problems).toEqual([]);
  });

  it("cost what the comments in them claim", () => {
    // a head batch has no connection at all: the 1-point minimum, however many PRs
    const heads = PULL_HEADS_DOCUMENTS[250] as string;
    expect(queryCost(parse(heads), {})).toMatchObject({ requests: 0, points: 1 });
    // a thread page costs 1 + first per PR (the nested comment count is charged per thread)
    const pages = THREAD_PAGES_DOCUMENTS[24] as string;
    const variables: Record<string, unknown> = {};
    for (let i = 0; i < 25; i++) variables[`f${i}`] = 8;
    expect(queryCost(parse(pages), variables)).toMatchObject({ requests: 25 * 9, points: 2 });
  });
});
