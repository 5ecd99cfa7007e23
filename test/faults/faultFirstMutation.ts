// The sandbox's fault switches name an operation, and every GraphQL request is "graphql": the
// first one is a query. To fault a GraphQL write, a fault is armed each time the app reads the
// threads it is about to answer (answerThreads reads them, then replies and resolves), until a
// mutation has met it. A query that takes the fault meanwhile is retried like any read.
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
      const armed = sandbox.state.faults.some((f) => f.operation === "graphql");
      if (document.startsWith("query ThreadDetails") && request.status === 200 && !armed) {
        sandbox.fail("graphql", 1, kind, retryAfter);
      }
    });
  });
}
