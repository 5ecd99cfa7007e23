import type { BackendConfig } from "../backendConfig.js";

// `gemini -p` is headless mode; its text is appended to what arrives on stdin, so the work
// order goes on stdin and -p says what to do with it. `--approval-mode auto_edit` approves
// edit tools (the older `--yolo` is deprecated and approves everything).
export const geminiPreset: BackendConfig = {
  name: "gemini",
  command: [
    "gemini",
    "--approval-mode",
    "auto_edit",
    "-p",
    "Carry out the work order above in the current directory.",
  ],
  promptVia: "stdin",
  network: true,
};
