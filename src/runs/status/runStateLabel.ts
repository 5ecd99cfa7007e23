import type { RunState } from "../run.js";

const labels: Record<RunState, string> = {
  planning: "📝 Planning",
  "needs-input": "✋ Needs input",
  running: "🏃 Running",
  reviewing: "👀 Reviewing",
  done: "✅ Done",
  failed: "❌ Failed",
  stopped: "⏹️ Stopped",
};

/** The run's state as people read it at a glance: an emoji and a word. */
export function runStateLabel(state: RunState): string {
  return labels[state] ?? state;
}
