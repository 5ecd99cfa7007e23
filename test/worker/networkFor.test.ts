import { describe, expect, it } from "vitest";
import { loadOperatorConfig } from "../../src/config/env.js";
import { networkFor } from "../../src/worker/networkFor.js";
import { parseBackends } from "../../src/worker/parseBackends.js";

const credentials = {
  APP_ID: "1",
  PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
  WEBHOOK_SECRET: "a-webhook-secret",
};
/** What a worker with these settings shares its network with, as the app reads them. */
function shared(backends: string, setting?: string): string[] {
  const config = loadOperatorConfig({
    ...credentials,
    ORCHESTRATE_BACKENDS: backends,
    ...(setting !== undefined ? { ORCHESTRATE_SANDBOX_NETWORK: setting } : {}),
  });
  const declared = parseBackends(config.ORCHESTRATE_BACKENDS);
  const network = networkFor(config.ORCHESTRATE_SANDBOX_NETWORK, declared);
  return [...declared.map((b) => b.name), "verify"].filter(network);
}

describe("which commands share the worker's network", () => {
  it("unset: every preset (its model API), no custom command, not the verify command", () => {
    expect(shared("codex,claude,gemini,opencode,mine=my-agent --fast")).toEqual([
      "codex",
      "claude",
      "gemini",
      "opencode",
    ]);
  });

  it("set: exactly the names it lists, `all`, or `none`", () => {
    expect(shared("codex,claude,mine=my-agent", "mine,verify")).toEqual(["mine", "verify"]);
    expect(shared("codex,mine=my-agent", "all")).toEqual(["codex", "mine", "verify"]);
    expect(shared("codex,claude", "none")).toEqual([]);
  });
});
