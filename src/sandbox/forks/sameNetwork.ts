import type { SandboxRepo, SandboxState } from "../state.js";
import { forkSource } from "./forkSource.js";

/** Whether two repositories share a fork network (one root): only then can one PR into the other. */
export function sameNetwork(state: SandboxState, a: SandboxRepo, b: SandboxRepo): boolean {
  const root = (r: SandboxRepo) => forkSource(state, r)?.source.id ?? r.id;
  return root(a) === root(b);
}
