// The sandbox's fault switches name an operation; "graphql:mutation" is met by GraphQL writes
// only. The fault is armed when the app first reads the threads it is about to answer
// (answerThreads reads them, then replies and resolves), so the reply is what meets it: no
// query can take it first, whatever else is asking GitHub at that moment.
import type { Sandbox } from "../../src/sandbox/sandbox.js";
import { watchRequests } from "./onRequest.js";

const text = (body: unknown) => String((body as { query?: unknown } | null)?.query ?? "").trim();

/** Resolves with the document of the first GraphQL mutation that met the fault. */
export function faultFirstMutation(
  sandbox: Sandbox,
  kind: "502" | "secondary-rate-limit",
  retryAfter?: number,
): Promise<string> {
  const faultStatus = kind === "502" ? 502 : 403;
  return new Promise((resolve) => {
    const stop = watchRequests(sandbox, (request) => {
      if (request.operation !== "graphql") return;
      const document = text(request.body);
      if (document.startsWith("mutation") && request.status === faultStatus) {
        stop();
        resolve(document);
        return;
      }
      const armed = sandbox.state.faults.some((f) => f.operation === "graphql:mutation");
      if (document.startsWith("query ThreadDetails") && request.status === 200 && !armed) {
        sandbox.fail("graphql:mutation", 1, kind, retryAfter);
      }
    });
  });
}
