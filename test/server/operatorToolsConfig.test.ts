import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/configError.js";
import { loadOperatorConfig } from "../../src/config/env.js";

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadOperatorConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the operator tools' environment", () => {
  it("leaves the dashboard off and /metrics open by default", () => {
    const config = loadOperatorConfig({});
    expect(config.ADMIN_USER).toBeUndefined();
    expect(config.ADMIN_PASSWORD).toBeUndefined();
    expect(config.METRICS_TOKEN).toBeUndefined();
  });

  it("takes a login and a token", () => {
    const config = loadOperatorConfig({
      ADMIN_USER: "operator",
      ADMIN_PASSWORD: "twelve-chars",
      METRICS_TOKEN: "sixteen-chars-ok",
    });
    expect(config.ADMIN_USER).toBe("operator");
    expect(config.ADMIN_PASSWORD).toBe("twelve-chars");
    expect(config.METRICS_TOKEN).toBe("sixteen-chars-ok");
  });

  it("wants both halves of the login or neither, naming the missing one", () => {
    expect(errorOf({ ADMIN_PASSWORD: "long-enough-password" }).issues).toEqual([
      expect.stringMatching(/^ADMIN_USER: missing — set both ADMIN_USER and ADMIN_PASSWORD/),
    ]);
    expect(errorOf({ ADMIN_USER: "operator" }).issues).toEqual([
      expect.stringMatching(/^ADMIN_PASSWORD: missing/),
    ]);
  });

  it("refuses weak secrets and a user basic auth cannot carry, without echoing them", () => {
    const error = errorOf({
      ADMIN_USER: "op:erator",
      ADMIN_PASSWORD: "short",
      METRICS_TOKEN: "tiny",
    });
    expect(error.message).toMatch(/ADMIN_USER: may not contain ':'/);
    expect(error.message).toMatch(
      /ADMIN_PASSWORD: must be at least 12 characters — .*openssl rand/,
    );
    expect(error.message).toMatch(/METRICS_TOKEN: must be at least 16 characters/);
    expect(error.message).not.toContain("short");
    expect(error.message).not.toContain("tiny");
  });
});
