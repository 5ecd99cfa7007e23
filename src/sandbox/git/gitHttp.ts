import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gitEnv } from "./runGit.js";

// Git smart HTTP through git's own CGI, `git http-backend`, so clones and pushes speak the real
// protocol (v2, packfiles, gzip negotiation) rather than something that merely looks like it.

export interface GitHttpRequest {
  /** the repositories' root directory (GIT_PROJECT_ROOT) */
  projectRoot: string;
  /** e.g. /owner/repo.git/info/refs */
  pathInfo: string;
  query: string;
  remoteUser: string;
  /** what git's hooks are told about the pusher (see workflowHook.ts) */
  hookEnv?: Record<string, string>;
  /** the request body, when the caller already read it (to look at a push's refs first) */
  body?: Buffer;
  /** runs after a push finished and before the response ends, so the pusher sees its effects */
  afterReceivePack?: () => Promise<void>;
}

/** Streams one smart-HTTP request through git http-backend; resolves with the HTTP status. */
export function serveGitHttp(
  req: IncomingMessage,
  res: ServerResponse,
  o: GitHttpRequest,
  extraHeaders: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      GIT_PROJECT_ROOT: o.projectRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: o.pathInfo,
      REQUEST_METHOD: req.method ?? "GET",
      QUERY_STRING: o.query,
      REMOTE_USER: o.remoteUser,
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      ...o.hookEnv,
    };
    const length = req.headers["content-length"];
    if (length) env["CONTENT_LENGTH"] = length;
    const encoding = req.headers["content-encoding"];
    if (encoding) env["HTTP_CONTENT_ENCODING"] = encoding;
    // Protocol v2 is negotiated by this header; http-backend reads it from GIT_PROTOCOL.
    const protocol = req.headers["git-protocol"];
    if (typeof protocol === "string") {
      env["GIT_PROTOCOL"] = protocol;
      env["HTTP_GIT_PROTOCOL"] = protocol;
    }
    const child = spawn("git", ["http-backend"], {
      env: gitEnv(env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const isPush = o.pathInfo.endsWith("/git-receive-pack");
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    if (o.body) child.stdin.end(o.body);
    else req.pipe(child.stdin);
    child.stdin.on("error", () => {
      // http-backend may stop reading early on a bad request; its output says what happened
    });

    let head = Buffer.alloc(0);
    let status = 200;
    let headersSent = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const split = findHeaderEnd(head);
      if (!split) return;
      const headerText = head.subarray(0, split.index).toString("latin1");
      const headers: Record<string, string> = { ...extraHeaders };
      for (const line of headerText.split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      const rest = head.subarray(split.index + split.length);
      if (rest.length > 0) res.write(rest);
    });
    child.on("close", (code) => {
      const finish = async () => {
        if (!headersSent) {
          res.writeHead(500, { "content-type": "text/plain", ...extraHeaders });
          res.write(`git http-backend failed (${code}): ${stderr}`);
          status = 500;
        } else if (isPush && code === 0 && o.afterReceivePack) {
          await o.afterReceivePack();
        }
        res.end();
        resolve(status);
      };
      finish().catch((error: unknown) => {
        res.end();
        reject(error);
      });
    });
  });
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | null {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return null;
}
