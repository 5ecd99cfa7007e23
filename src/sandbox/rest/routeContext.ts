import type { IncomingHttpHeaders } from "node:http";
import type { ActionsRunner } from "../actions/actionsRunner.js";
import type { RateLimits } from "../rateLimits.js";
import type { SandboxRepo, SandboxState } from "../state.js";
import type { EventTargets } from "../webhookDriver.js";
import type { OperationInfo } from "./openApiIndex.js";

// What a route handler gets and gives back. Handlers are plain functions of this context so the
// HTTP plumbing (auth, validation, faults, recording, headers) lives in one place.

export interface SandboxServices {
  rateLimits: RateLimits;
  /** GitHub Actions: the CI runs, their logs and re-runs */
  actions: ActionsRunner;
  /**
   * Re-reads branch heads after git refs moved (PR head shas, outdated threads, PRs closed with
   * their branch) and sends the pull_request events that causes, as the app's doing.
   */
  syncPulls(repo: SandboxRepo): Promise<void>;
  /** whether events caused by the app's own writes are being delivered (skip building them if not) */
  appEventsWanted(): boolean;
  /** queues a webhook payload caused by the app's own write */
  queueAppEvent(event: string, payload: Record<string, unknown>): void;
  /** serialises writes to one repository, as GitHub does, so racing creates see each other */
  withRepoLock<T>(repo: SandboxRepo, fn: () => Promise<T>): Promise<T>;
}

export interface RouteContext {
  state: SandboxState;
  services: SandboxServices;
  operation: OperationInfo;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** the installation of the token, null for JWT-authenticated app calls */
  installationId: number | null;
  /** login of whoever the credentials act as: the app's bot for installation tokens */
  actor: string;
  /** the request URL as the client sent it (prefix included), for Link headers */
  url: URL;
  /**
   * Notes the webhook GitHub would send for this write (built now, sent after the answer).
   * `patch` overrides top-level payload fields such as `changes`.
   */
  emit(
    event: string,
    action: string,
    targets: Omit<EventTargets, "sender">,
    patch?: Record<string, unknown>,
  ): void;
}

export interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** a non-JSON body (raw file contents); skips JSON encoding and response validation */
  raw?: { contentType: string; data: Buffer | string };
}

export type RouteHandler = (ctx: RouteContext) => Promise<RestResult> | RestResult;

/** operationId -> handler */
export type RouteTable = Record<string, RouteHandler>;

/** A GitHub error answer; `extra` lands next to message/documentation_url (e.g. `errors`). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function notFound(message = "Not Found"): HttpError {
  return new HttpError(404, message);
}

/** GitHub's 422 "Validation Failed" with one entry in `errors`. */
export function validationFailed(error: {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}): HttpError {
  return new HttpError(422, "Validation Failed", { errors: [error] });
}

export function json(status: number, body: unknown, headers?: Record<string, string>): RestResult {
  return headers ? { status, body, headers } : { status, body };
}
