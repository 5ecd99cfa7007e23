import { describe, expect, it } from "vitest";
import type { HeadCheck } from "../../../src/github/ciChecksPort.js";
import { judgeChecks } from "../../../src/runs/ci/judgeChecks.js";

const check = (name: string, state: HeadCheck["state"], o: Partial<HeadCheck> = {}): HeadCheck => ({
  name,
  app: "github-actions",
  state,
  output: "",
  actionsJobId: null,
  ...o,
});
const at = (iso: string) => new Date(iso);
const base = {
  headSha: "a".repeat(40),
  appSlug: "orchestrate",
  previous: undefined,
  rerunFailed: false,
  timeoutMinutes: 60,
  now: at("2026-12-02T10:00:00Z"),
};

describe("judgeChecks", () => {
  it("waits for a check still running, and names it once it runs past ci.timeout_minutes", () => {
    const checks = [check("test", "pending"), check("lint", "failure")];
    const first = judgeChecks(checks, base);
    expect(first).toMatchObject({ kind: "wait", ci: { state: "pending", pending: ["test"] } });
    expect(first.ci.note).toBeUndefined();
    const later = judgeChecks(checks, {
      ...base,
      previous: first.ci,
      now: at("2026-12-02T11:00:00Z"),
    });
    expect(later.ci.since).toBe("2026-12-02T10:00:00.000Z");
    expect(later.ci.note).toBe(
      "check `test` has not finished after 60 minutes (`ci.timeout_minutes`); the run waits for it — re-run or cancel it on GitHub if it is stuck",
    );
    // A new head starts its own clock.
    const moved = judgeChecks(checks, {
      ...base,
      headSha: "b".repeat(40),
      previous: first.ci,
      now: at("2026-12-02T11:00:00Z"),
    });
    expect(moved.ci.note).toBeUndefined();
  });

  it("is not held by the App's own check run, and reads no CI as none", () => {
    const own = check("orchestrate", "failure", { app: "orchestrate" });
    expect(judgeChecks([own], base)).toMatchObject({ kind: "green", ci: { state: "none" } });
    expect(judgeChecks([own, check("test", "success")], base).ci.state).toBe("green");
  });

  it("re-runs a failed Actions job once with ci.rerun_failed, then calls it red", () => {
    const failed = [
      check("test", "failure", { actionsJobId: 7 }),
      check("ext", "failure", { app: null }),
    ];
    const o = { ...base, rerunFailed: true };
    const first = judgeChecks(failed, o);
    expect(first).toMatchObject({ kind: "rerun", ci: { rerun: ["test"] } });
    expect(first.kind === "rerun" && first.jobs.map((j) => j.actionsJobId)).toEqual([7]);
    const again = judgeChecks(failed, { ...o, previous: first.ci });
    expect(again).toMatchObject({ kind: "red", ci: { state: "red", failing: ["test", "ext"] } });
    expect(judgeChecks(failed, base).kind).toBe("red");
  });
});
