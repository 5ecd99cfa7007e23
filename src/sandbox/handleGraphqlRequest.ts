import { grantAllows } from "./auth.js";
import { authenticate } from "./authenticate.js";
import { contentLimitWait, countContent, secondaryLimitAnswer } from "./contentLimits.js";
import { conversationEvents, snapshotConversations } from "./conversationEvents.js";
import { takeFault, takeFaultAfterWrite } from "./faults.js";
import { type NeededPermission, operationPermissions } from "./graphql/operationPermissions.js";
import {
  type Exchange,
  errorBody,
  readBody,
  record,
  type SandboxRuntime,
  sendJson,
} from "./runtime.js";
import { buildEvent } from "./webhookDriver.js";

// POST /graphql (and GHE's /api/graphql): authenticated with an installation token, subject to
// the "graphql" fault switch, executed by the GraphQL engine over the same state (which charges
// its own points meter), with the points it reports kept on the request record.

export async function handleGraphqlRequest(rt: SandboxRuntime, ex: Exchange): Promise<void> {
  const raw = await readBody(ex.req);
  if (ex.req.method !== "POST") {
    rt.fidelity(ex.req.method ?? "GET", ex.path, "GitHub's GraphQL endpoint only takes POST");
    sendJson(rt, ex, { status: 404, body: errorBody(404, "Not Found") });
    record(rt, ex, {
      operation: "graphql",
      status: 404,
      installationId: null,
      cost: 0,
      body: null,
    });
    return;
  }
  const caller = authenticate(rt.state, ex.req, "token");
  if (!caller.ok) {
    const message =
      caller.status === 403 ? caller.message : "This endpoint requires you to be authenticated.";
    sendJson(rt, ex, {
      status: caller.status,
      body: errorBody(
        caller.status,
        message,
        "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
      ),
    });
    record(rt, ex, {
      operation: "graphql",
      status: caller.status,
      installationId: null,
      cost: 0,
      body: null,
    });
    return;
  }
  const who = caller.installationId ?? 0;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    rt.fidelity("POST", ex.path, "GraphQL request body is not JSON");
    sendJson(rt, ex, { status: 400, body: errorBody(400, "Problems parsing JSON") });
    record(rt, ex, {
      operation: "graphql",
      status: 400,
      installationId: who,
      cost: 0,
      body: raw.toString("utf8"),
    });
    return;
  }
  // A test may fault GraphQL writes alone ("graphql:mutation") or every GraphQL request.
  const write = await isMutation(body);
  const fault =
    (write ? takeFault(rt.state, "graphql:mutation", ex.requestId) : null) ??
    takeFault(rt.state, "graphql", ex.requestId);
  if (fault) {
    sendJson(rt, ex, {
      status: fault.status,
      body: fault.body,
      headers: fault.headers,
      rate: { who, resource: "graphql" },
    });
    record(rt, ex, {
      operation: "graphql",
      status: fault.status,
      installationId: who,
      cost: 0,
      body,
    });
    return;
  }
  // Every token reads and writes only what its permissions cover (app.yml's, or fewer for a
  // narrowed one, a git push token say); GitHub answers such a call with a FORBIDDEN error.
  const grant = caller.grant;
  if (
    grant &&
    (await neededPermissions(body)).some(
      (need) => grantAllows(grant, null, need.permission, need.access) !== "ok",
    )
  ) {
    sendJson(rt, ex, {
      status: 200,
      body: {
        data: null,
        errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }],
      },
      rate: { who, resource: "graphql" },
    });
    record(rt, ex, { operation: "graphql", status: 403, installationId: who, cost: 0, body });
    return;
  }
  // Mutations are content-generating requests, limited as REST writes are.
  const mutation = await isMutation(body);
  const wait = mutation ? contentLimitWait(rt.state, who) : null;
  if (wait !== null) {
    sendJson(rt, ex, {
      ...secondaryLimitAnswer(ex.requestId, wait),
      rate: { who, resource: "graphql" },
    });
    record(rt, ex, { operation: "graphql", status: 403, installationId: who, cost: 0, body });
    return;
  }
  // Loaded on first use: the GraphQL engine pulls in GitHub's whole schema.
  const { handleGraphql } = await import("./graphql/graphqlHandler.js");
  // The engine charges its own meter and state.graphqlPoints; here the cost is only recorded.
  const before = rt.services.appEventsWanted() ? snapshotConversations(rt.state, who) : null;
  const result = await handleGraphql(rt.state, body, who);
  // A mutation that was applied, whose answer is lost on the way back.
  const lost = result.status === 200 && mutation ? takeFaultAfterWrite(rt.state, "graphql") : null;
  if (mutation && result.status === 200) countContent(rt.state, who);
  sendJson(rt, ex, {
    status: lost?.status ?? result.status,
    body: lost?.body ?? result.body,
    rate: { who, resource: "graphql" },
  });
  if (before) {
    for (const e of conversationEvents(rt.state, who, before)) {
      const payload = buildEvent(rt, e.event, e.action, { ...e.targets, sender: caller.actor });
      rt.services.queueAppEvent(e.event, payload);
    }
  }
  record(rt, ex, {
    operation: "graphql",
    status: lost?.status ?? result.status,
    installationId: who,
    cost: result.cost,
    body,
  });
}

/** What the document's operation needs, by its root fields (none for one that does not parse). */
async function neededPermissions(body: unknown): Promise<NeededPermission[]> {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== "string") return [];
  const { Kind, parse } = await import("graphql");
  try {
    const operation = parse(query).definitions.find(
      (d) =>
        d.kind === Kind.OPERATION_DEFINITION &&
        (typeof operationName !== "string" || d.name?.value === operationName),
    );
    if (operation?.kind !== Kind.OPERATION_DEFINITION) return [];
    const fields = operation.selectionSet.selections.flatMap((s) =>
      s.kind === Kind.FIELD ? [s.name.value] : [],
    );
    return operationPermissions(operation.operation, fields);
  } catch {
    return [];
  }
}

/** Whether the operation the request ran is a mutation (a write). */
async function isMutation(body: unknown): Promise<boolean> {
  return (await neededPermissions(body)).some((need) => need.access === "write");
}
