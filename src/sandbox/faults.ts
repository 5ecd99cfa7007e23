import { secondaryLimitAnswer } from "./contentLimits.js";
import type { Fault, SandboxState } from "./state.js";

// Fault switches: `sandbox.fail(op, n, kind)` makes the next n matching requests fail the way
// GitHub fails: "502" and "secondary-rate-limit" before any state changes, so a client's retry
// sees an untouched world; "502-after-write" after a write was applied (takeFaultAfterWrite),
// so a client that retries blindly writes twice.

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: { message: string; documentation_url?: string; status?: string };
}

export function addFault(
  state: SandboxState,
  operation: string,
  count: number,
  kind: Fault["kind"],
  retryAfter = 60,
): void {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`fail(): count must be >= 1, got ${count}`);
  state.faults.push({ operation, remaining: count, kind, retryAfter });
}

/** Consumes one matching fault, if any, and says how to answer. */
export function takeFault(
  state: SandboxState,
  operation: string,
  requestId: string,
): FaultAnswer | null {
  const fault = consume(state, operation, (f) => f.kind !== "502-after-write");
  if (!fault) return null;
  if (fault.kind === "502") return badGateway();
  return secondaryLimitAnswer(requestId, fault.retryAfter);
}

/** Consumes one matching "502-after-write" fault, if any: call it once a write was applied. */
export function takeFaultAfterWrite(state: SandboxState, operation: string): FaultAnswer | null {
  return consume(state, operation, (f) => f.kind === "502-after-write") ? badGateway() : null;
}

function consume(
  state: SandboxState,
  operation: string,
  kind: (f: Fault) => boolean,
): Fault | null {
  const fault = state.faults.find(
    (f) => f.remaining > 0 && kind(f) && (f.operation === operation || f.operation === "*"),
  );
  if (!fault) return null;
  fault.remaining -= 1;
  if (fault.remaining === 0) state.faults.splice(state.faults.indexOf(fault), 1);
  return fault;
}

function badGateway(): FaultAnswer {
  return { status: 502, headers: {}, body: { message: "Server Error" } };
}
