import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/configError.js";
import { COPILOT_REVIEWER, parseRepoConfig } from "../../src/config/repoConfig.js";

describe(".github/orchestrate.yml", () => {
  it("gives the defaults for a missing file", () => {
    const config = parseRepoConfig(null);
    expect(config.label).toBe("orchestrate");
    expect(config.trusted_bots).toEqual([COPILOT_REVIEWER]);
    expect(config.limits).toEqual({
      max_tasks: 200,
      attempts: 3,
      agent_minutes: 600,
      run_attempts: 1000,
      ci_rounds: 3,
    });
    expect(config.ci).toEqual({ rerun_failed: false, timeout_minutes: 60 });
  });

  it("names every bad key, with what to write", () => {
    let error: unknown;
    try {
      parseRepoConfig({ race: 9, approval: "yes", limits: { attempts: "three" }, lable: "x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join("\n");
    expect(issues).toMatch(/^race: .*1 to 5/m);
    expect(issues).toMatch(/^approval: .*`required`/m);
    expect(issues).toMatch(/^limits\.attempts: /m);
    expect(issues).toMatch(/lable/);
  });

  it("says where a key of a section goes when it is written at the top, and what a switch takes", () => {
    let error: unknown;
    try {
      parseRepoConfig({ ci_rounds: 2, rerun_failed: true, stack: "yes" });
    } catch (e) {
      error = e;
    }
    const issues = (error as ConfigError).issues.join("\n");
    expect(issues).toContain("`ci_rounds` goes under `limits:` (`limits.ci_rounds`)");
    expect(issues).toContain("`rerun_failed` goes under `ci:` (`ci.rerun_failed`)");
    expect(issues).toMatch(/^stack: .*`true` to stack .*or `false`/m);
  });
});
