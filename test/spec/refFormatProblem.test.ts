import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { refFormatProblem } from "../../src/spec/refFormatProblem.js";

// Compared with git itself: `git check-ref-format --branch` is the authority on branch names.
const names = [
  "orchestrate/12-api",
  "orchestrate/N-db.v2",
  "orchestrate/N-données",
  "orchestrate/N-has space",
  "orchestrate/N-a..b",
  "orchestrate/N-a~1",
  "orchestrate/N-a^",
  "orchestrate/N-a:b",
  "orchestrate/N-a?",
  "orchestrate/N-a*",
  "orchestrate/N-a[",
  "orchestrate/N-a\\b",
  "orchestrate/N-a.",
  "orchestrate/N-a.lock",
  "orchestrate/N-a@{1}",
  "orchestrate/N-a//b",
  "orchestrate/N-a/.hidden",
  "orchestrate/N-a/",
  "orchestrate/N-tab\there",
  "orchestrate/N-bell\u0007",
  "orchestrate/N-del\u007f",
  "-orchestrate",
  "orchestrate/N-a@b",
  "orchestrate/N-under_score",
];

describe("refFormatProblem agrees with git check-ref-format --branch", () => {
  for (const name of names) {
    it(JSON.stringify(name), () => {
      const git = spawnSync("git", ["check-ref-format", "--branch", name], { encoding: "utf8" });
      expect(refFormatProblem(name) === undefined).toBe(git.status === 0);
    });
  }
});
