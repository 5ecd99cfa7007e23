import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/configError.js";
import { loadOperatorConfig } from "../../src/config/env.js";

const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadOperatorConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the operator's environment", () => {
  it("runs in setup mode with no App credentials at all", () => {
    const config = loadOperatorConfig({});
    expect(config.credentials).toBeNull();
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBeUndefined();
  });

  it("accepts a key with escaped newlines, and base64 of a key", () => {
    const escaped = loadOperatorConfig({
      APP_ID: "12",
      PRIVATE_KEY: key.replace(/\n/g, "\\n"),
      WEBHOOK_SECRET: "s",
    });
    expect(escaped.credentials?.privateKey).toBe(key);
    const b64 = loadOperatorConfig({
      APP_ID: "12",
      PRIVATE_KEY: Buffer.from(key).toString("base64"),
      WEBHOOK_SECRET: "s",
    });
    expect(b64.credentials?.privateKey).toBe(key);
  });

  it("names the variable and what to set when a value is wrong", () => {
    const error = errorOf({ APP_ID: "twelve", REDIS_URL: "localhost:6379" });
    expect(error.message).toMatch(/APP_ID: .*App ID shown on your GitHub App's settings page/);
    expect(error.message).toMatch(
      /REDIS_URL: must be one of redis:\/\/.*redis\+cluster:\/\/.*redis\+sentinel:\/\//,
    );
  });

  it("names each missing credential when only some are set", () => {
    const error = errorOf({ APP_ID: "12" });
    expect(error.issues).toEqual([
      expect.stringMatching(/^PRIVATE_KEY: missing/),
      expect.stringMatching(/^WEBHOOK_SECRET: missing/),
    ]);
  });

  it("refuses a private key that is not a PEM", () => {
    const error = errorOf({
      APP_ID: "12",
      PRIVATE_KEY: "-----BEGIN nonsense",
      WEBHOOK_SECRET: "s",
    });
    expect(error.message).toMatch(/PRIVATE_KEY: is not a PEM private key/);
  });

  it("derives GitHub Enterprise Server's API URL from GHE_HOST", () => {
    const config = loadOperatorConfig({ GHE_HOST: "github.example.com" });
    expect(config.baseUrl).toBe("https://github.example.com/api/v3");
  });
});
