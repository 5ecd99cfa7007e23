import type { BackendConfig } from "../backendConfig.js";

// `opencode run <message>` is its non-interactive mode; the message is a positional argument.
export const opencodePreset: BackendConfig = {
  name: "opencode",
  command: ["opencode", "run", "{prompt}"],
  promptVia: "arg",
  network: true,
};
