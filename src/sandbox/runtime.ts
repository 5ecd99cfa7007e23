import type { IncomingMessage, ServerResponse } from "node:http";
import type { RateResource } from "./rateLimits.js";
import type { OpenApiIndex } from "./rest/openApiIndex.js";
import type { SandboxServices } from "./rest/routeContext.js";
import type { RecordedRequest, SandboxState } from "./state.js";

// What the three front doors (REST, GraphQL, git) share: the world, the schema index, the
// services, and one way to answer, record and report.

export interface SandboxRuntime {
  state: SandboxState;
  index: OpenApiIndex;
  services: SandboxServices;
  /** GIT_PROJECT_ROOT: bare repositories live at <root>/<owner>/<name>.git */
  projectRoot: string;
  log: (line: string) => void;
  newRequestId(): string;
  /** records something that would not work on github.com */
  fidelity(method: string, path: string, reason: string): void;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** request path with any GHE prefix removed, still percent-encoded */
  path: string;
  url: URL;
  requestId: string;
  /** when the request reached the sandbox (ms since epoch, the sandbox's clock) */
  arrivedAt: number;
}

export function record(
  rt: SandboxRuntime,
  ex: Exchange,
  o: Omit<RecordedRequest, "method" | "path" | "at" | "arrivedAt" | "answeredAt">,
): void {
  // Every door records right after writing its answer: this is when the client could read it.
  const answeredAt = rt.state.now().getTime();
  rt.state.requests.push({
    method: ex.req.method ?? "GET",
    path: safeDecode(ex.path),
    at: answeredAt,
    arrivedAt: ex.arrivedAt,
    answeredAt,
    ...o,
  });
  rt.log(`${ex.req.method} ${ex.path} -> ${o.status} (${o.operation})`);
}

/** Writes a JSON answer with the headers GitHub puts on every API response. */
export function sendJson(
  rt: SandboxRuntime,
  ex: Exchange,
  o: {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    rate?: { who: number | null; resource: RateResource };
    raw?: { contentType: string; data: Buffer | string };
  },
): void {
  const headers: Record<string, string> = {
    "x-github-request-id": ex.requestId,
    "x-github-api-version-selected": "2022-11-28",
    "x-github-media-type": "github.v3; format=json",
    ...(o.rate ? rt.services.rateLimits.headers(o.rate.who, o.rate.resource) : {}),
    ...o.headers,
  };
  if (o.status === 204 || o.status === 304 || o.body === undefined) {
    if (o.raw) {
      headers["content-type"] = o.raw.contentType;
      ex.res.writeHead(o.status, headers);
      ex.res.end(o.raw.data);
      return;
    }
    ex.res.writeHead(o.status, headers);
    ex.res.end();
    return;
  }
  headers["content-type"] = "application/json; charset=utf-8";
  ex.res.writeHead(o.status, headers);
  ex.res.end(typeof o.body === "string" ? o.body : JSON.stringify(o.body));
}

/** GitHub's error body. */
export function errorBody(status: number, message: string, documentationUrl?: string, extra = {}) {
  return {
    message,
    ...extra,
    documentation_url: documentationUrl ?? "https://docs.github.com/rest",
    status: String(status),
  };
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
