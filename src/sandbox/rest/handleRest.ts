import { createHash } from "node:crypto";
import { grantAllows } from "../auth.js";
import { authenticate } from "../authenticate.js";
import {
  contentLimitWait,
  countContent,
  createsContent,
  secondaryLimitAnswer,
} from "../contentLimits.js";
import { takeFault, takeFaultAfterWrite } from "../faults.js";
import {
  type Exchange,
  errorBody,
  readBody,
  record,
  type SandboxRuntime,
  sendJson,
} from "../runtime.js";
import type { TokenGrant } from "../state.js";
import { buildEvent } from "../webhookDriver.js";
import { JWT_OPERATIONS } from "./apps.js";
import type { OperationInfo } from "./openApiIndex.js";
import { operationPermission } from "./operationPermission.js";
import { findRepo } from "./requireRepo.js";
import { restRoutes } from "./restRoutes.js";
import { HttpError, type RestResult } from "./routeContext.js";
import { validateSchema } from "./validateSchema.js";

// One REST request, start to end: match GitHub's description, authenticate, apply any fault
// switch, validate what the client sent, run the route, check what the sandbox answers against
// the documented response schema, honour conditional requests, record and report.

export async function handleRest(rt: SandboxRuntime, ex: Exchange): Promise<void> {
  const method = ex.req.method ?? "GET";
  const match = rt.index.match(method, ex.path);
  if (match.kind !== "ok") {
    const reason =
      match.kind === "no-path"
        ? "no such REST path in GitHub's OpenAPI description"
        : `method not allowed on this path (GitHub allows ${match.allowed.join(", ")})`;
    rt.fidelity(method, ex.path, reason);
    await readBody(ex.req);
    sendJson(rt, ex, { status: 404, body: errorBody(404, "Not Found") });
    record(rt, ex, {
      operation: "unknown",
      status: 404,
      installationId: null,
      cost: 0,
      body: null,
    });
    return;
  }
  const { operation, params } = match;
  const raw = await readBody(ex.req);
  const answer = (
    status: number,
    message: string,
    installationId: number | null,
    body: unknown,
    extra = {},
  ) => {
    sendJson(rt, ex, {
      status,
      body: errorBody(status, message, operation.documentationUrl, extra),
      ...(installationId !== null || status !== 401
        ? { rate: { who: installationId, resource: "core" as const } }
        : {}),
    });
    record(rt, ex, { operation: operation.operationId, status, installationId, cost: 0, body });
  };

  let body: unknown;
  let parseError = false;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      parseError = true;
    }
  }

  const accepts = JWT_OPERATIONS.has(operation.operationId)
    ? "jwt"
    : operation.operationId === "rate-limit/get"
      ? "either"
      : "token";
  const caller = authenticate(rt.state, ex.req, accepts);
  if (!caller.ok) {
    answer(caller.status, caller.message, null, body ?? null);
    return;
  }
  const who = caller.installationId;
  const refused = scopeRefusal(rt, operation.operationId, method, params, caller.grant);
  if (refused) {
    answer(refused.status, refused.message, who, body ?? null);
    return;
  }

  // Primary limit: an installation that spent its hour's requests gets GitHub's 403 until reset.
  if (who !== null && rt.services.rateLimits.snapshot(who, "core").remaining === 0) {
    answer(403, `API rate limit exceeded for installation ID ${who}.`, who, body ?? null);
    return;
  }
  // Secondary limit on content-generating requests.
  const creates = createsContent(operation.operationId, method);
  const wait = creates && who !== null ? contentLimitWait(rt.state, who) : null;
  if (wait !== null) {
    sendJson(rt, ex, {
      ...secondaryLimitAnswer(ex.requestId, wait),
      rate: { who, resource: "core" },
    });
    record(rt, ex, {
      operation: operation.operationId,
      status: 403,
      installationId: who,
      cost: 0,
      body: body ?? null,
    });
    return;
  }

  const fault = takeFault(rt.state, operation.operationId, ex.requestId);
  if (fault) {
    sendJson(rt, ex, {
      status: fault.status,
      body: fault.body,
      headers: fault.headers,
      rate: { who, resource: "core" },
    });
    record(rt, ex, {
      operation: operation.operationId,
      status: fault.status,
      installationId: who,
      cost: 0,
      body: body ?? null,
    });
    return;
  }

  if (parseError) {
    rt.fidelity(method, ex.path, `${operation.operationId}: request body is not JSON`);
    answer(400, "Problems parsing JSON", who, raw.toString("utf8"));
    return;
  }
  const invalid = checkRequest(rt, ex, operation, params, body);
  if (invalid) {
    rt.fidelity(method, ex.path, `${operation.operationId}: ${invalid.reason}`);
    answer(invalid.status, invalid.message, who, body ?? null);
    return;
  }

  const handler = restRoutes[operation.operationId];
  if (!handler) {
    rt.fidelity(
      method,
      ex.path,
      `${operation.operationId} exists on GitHub but the sandbox does not implement it`,
    );
    answer(501, `The sandbox does not implement ${operation.operationId}`, who, body ?? null);
    return;
  }

  // Webhooks this write causes are built at once (the state as of now) and sent after the answer.
  const events: Array<{ event: string; payload: Record<string, unknown> }> = [];
  let result: RestResult;
  try {
    result = await handler({
      emit: (event, action, targets, patch) => {
        if (!rt.services.appEventsWanted()) return;
        try {
          const payload = buildEvent(rt, event, action, { ...targets, sender: caller.actor });
          events.push({ event, payload: { ...payload, ...patch } });
        } catch (error) {
          // the write itself succeeded; only the sandbox's webhook for it could not be built
          const message = error instanceof Error ? error.message : String(error);
          rt.fidelity(
            method,
            ex.path,
            `the sandbox could not build ${event}.${action}: ${message}`,
          );
        }
      },
      state: rt.state,
      services: rt.services,
      operation,
      params,
      query: ex.url.searchParams,
      body,
      headers: ex.req.headers,
      installationId: who,
      actor: caller.actor,
      url: ex.url,
    });
  } catch (error) {
    if (error instanceof HttpError) {
      answer(error.status, error.message, who, body ?? null, error.extra);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    rt.fidelity(method, ex.path, `${operation.operationId}: the sandbox crashed: ${message}`);
    answer(500, "Server Error", who, body ?? null);
    return;
  }

  if (result.status >= 200 && result.status < 300 && !result.raw) {
    checkResponse(rt, method, ex.path, operation, result);
  }

  // The write happened (and its webhooks go out), but the answer is lost on the way back.
  const lost =
    method !== "GET" && method !== "HEAD" && result.status >= 200 && result.status < 300
      ? takeFaultAfterWrite(rt.state, operation.operationId)
      : null;
  if (lost) {
    rt.services.rateLimits.charge(who, 1);
    sendJson(rt, ex, { status: lost.status, body: lost.body, rate: { who, resource: "core" } });
    for (const e of events) rt.services.queueAppEvent(e.event, e.payload);
    record(rt, ex, {
      operation: operation.operationId,
      status: lost.status,
      installationId: who,
      cost: 0,
      body: body ?? null,
    });
    return;
  }

  // Conditional GETs: same ETag scheme for every JSON GET; a 304 costs no rate limit, as on GitHub.
  const headers = { ...result.headers };
  if (method === "GET" && result.status === 200 && result.body !== undefined) {
    const text = JSON.stringify(result.body);
    const etag = `W/"${createHash("sha256").update(text).digest("hex").slice(0, 40)}"`;
    headers["etag"] = etag;
    const ifNoneMatch = (ex.req.headers["if-none-match"] ?? "").split(",").map((t) => t.trim());
    if (ifNoneMatch.includes(etag)) {
      sendJson(rt, ex, { status: 304, headers, rate: { who, resource: "core" } });
      record(rt, ex, {
        operation: operation.operationId,
        status: 304,
        installationId: who,
        cost: 0,
        body: null,
      });
      return;
    }
    rt.services.rateLimits.charge(who, 1);
    sendJson(rt, ex, { status: 200, body: text, headers, rate: { who, resource: "core" } });
  } else {
    rt.services.rateLimits.charge(who, 1);
    sendJson(rt, ex, {
      status: result.status,
      body: result.body,
      headers,
      rate: { who, resource: "core" },
      ...(result.raw ? { raw: result.raw } : {}),
    });
  }
  for (const e of events) rt.services.queueAppEvent(e.event, e.payload);
  if (creates && who !== null && result.status < 300) countContent(rt.state, who);
  record(rt, ex, {
    operation: operation.operationId,
    status: result.status,
    installationId: who,
    cost: 0,
    body: body ?? null,
  });
}

/**
 * A token reaches only its repositories (others are 404, as if they did not exist) and only its
 * permissions — the App's own, or fewer when it was narrowed (403, GitHub's message).
 */
function scopeRefusal(
  rt: SandboxRuntime,
  operationId: string,
  method: string,
  params: Record<string, string>,
  grant: TokenGrant | null,
): { status: number; message: string } | null {
  if (!grant) return null;
  const needs = operationPermission(operationId, method);
  const repo =
    params["owner"] !== undefined && params["repo"] !== undefined
      ? findRepo(rt.state.repos, params["owner"], params["repo"])
      : null;
  const verdict = grantAllows(
    grant,
    repo?.id ?? null,
    needs?.permission ?? null,
    needs?.access ?? "read",
  );
  if (verdict === "no-repo") return { status: 404, message: "Not Found" };
  if (verdict === "no-permission")
    return { status: 403, message: "Resource not accessible by integration" };
  return null;
}

/** What GitHub would refuse in the request itself: bad path/query parameters or body. */
function checkRequest(
  rt: SandboxRuntime,
  ex: Exchange,
  operation: OperationInfo,
  params: Record<string, string>,
  body: unknown,
): { status: number; message: string; reason: string } | null {
  for (const p of operation.pathParams) {
    const value = params[p.name] ?? "";
    if (p.schema?.type === "integer" && !/^\d+$/.test(value)) {
      return {
        status: 404,
        message: "Not Found",
        reason: `path parameter ${p.name}=${value} is not an integer`,
      };
    }
  }
  for (const p of operation.queryParams) {
    const value = ex.url.searchParams.get(p.name);
    if (value === null) {
      if (p.required) {
        return {
          status: 422,
          message: `Invalid request.\n\n"${p.name}" wasn't supplied.`,
          reason: `query parameter ${p.name} is required`,
        };
      }
      continue;
    }
    const schema = p.schema ?? {};
    const typed =
      schema.type === "integer" || schema.type === "number"
        ? Number(value)
        : schema.type === "boolean"
          ? value === "true"
            ? true
            : value === "false"
              ? false
              : value
          : value;
    const errors = validateSchema(rt.index.doc, schema, typed, p.name);
    if (errors.length > 0) {
      const message = `Invalid request.\n\n${errors.map((e) => e.message).join("\n")}`;
      return { status: 422, message, reason: `query parameter: ${errors[0]?.message}` };
    }
  }
  if (body === undefined) {
    if (operation.bodyRequired) {
      return {
        status: 422,
        message: "Invalid request.\n\nNo request body was supplied.",
        reason: "request body is required",
      };
    }
    return null;
  }
  if (!operation.bodySchema) return null;
  const errors = validateSchema(rt.index.doc, operation.bodySchema, body);
  if (errors.length === 0) return null;
  const lines = errors.map((e) => e.message);
  return {
    status: 422,
    message: `Invalid request.\n\n${lines.join("\n")}`,
    reason: `request body: ${lines.join(" ")}`,
  };
}

/**
 * Places where GitHub's description contradicts what GitHub answers, so no real answer fits:
 * list-installations types `account` as allOf(simple-user, enterprise) where get-installation
 * (rightly) says anyOf; a pull request from a fork that was since deleted has `head.repo: null`
 * where the description requires a repository (github/rest-api-description#161); an outdated
 * review comment has `position: null` and `line: null` where the description requires integers
 * (github/rest-api-description#1901, #5568).
 */
const SPEC_QUIRKS = [
  { operationId: "apps/list-installations", pointer: /^\/items\/\d+\/properties\/account\// },
  ...["pulls/get", "pulls/list", "pulls/update"].map((operationId) => ({
    operationId,
    pointer: /^(\/items\/\d+\/)?properties\/head\/properties\/repo$/,
  })),
  ...[
    "pulls/list-review-comments-for-repo",
    "pulls/list-review-comments",
    "pulls/get-review-comment",
    "pulls/update-review-comment",
  ].map((operationId) => ({
    operationId,
    pointer: /^(\/items\/\d+\/)?properties\/(position|line)$/,
  })),
];

/** The sandbox's own answer must fit GitHub's documented response schema. */
function checkResponse(
  rt: SandboxRuntime,
  method: string,
  path: string,
  operation: OperationInfo,
  result: RestResult,
): void {
  if (result.status === 204) return;
  const schema = operation.responses.get(result.status);
  if (!schema) {
    rt.fidelity(
      method,
      path,
      `${operation.operationId}: the sandbox answered ${result.status}, which GitHub does not document`,
    );
    return;
  }
  const errors = validateSchema(rt.index.doc, schema, result.body).filter(
    (e) =>
      !SPEC_QUIRKS.some(
        (q) => q.operationId === operation.operationId && q.pointer.test(e.pointer),
      ),
  );
  if (errors.length > 0) {
    const list = errors
      .slice(0, 5)
      .map((e) => e.message)
      .join(" ");
    rt.fidelity(
      method,
      path,
      `${operation.operationId}: the sandbox's response does not fit GitHub's schema: ${list}`,
    );
  }
}
