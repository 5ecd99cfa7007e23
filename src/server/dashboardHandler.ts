import type { IncomingMessage, ServerResponse } from "node:http";
import type { QueueDashboard } from "../queue/queueDashboard.js";
import { basicAuthMatches } from "./basicAuthMatches.js";

export const DASHBOARD_PATH = "/admin/queues";

/**
 * `/admin/queues` and everything under it: the queue dashboard, for the operator only (HTTP
 * basic auth with ADMIN_USER / ADMIN_PASSWORD). Its pages can retry, remove and clean jobs, so
 * every path under it — the API and the static files included — asks for the login.
 */
export function dashboardHandler(
  dashboard: Pick<QueueDashboard, "handle">,
  login: { user: string; password: string },
  onError: (error: unknown) => void,
) {
  return (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = req.url?.split("?")[0] ?? "";
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) {
      return Promise.resolve(false);
    }
    if (!basicAuthMatches(req.headers.authorization, login)) {
      res
        .writeHead(401, {
          "www-authenticate": 'Basic realm="Orchestrate"',
          "content-type": "text/plain; charset=utf-8",
        })
        .end("The queue dashboard needs the ADMIN_USER and ADMIN_PASSWORD login.\n");
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      // Answered (or the client went away): the request is ours either way.
      res.once("close", () => resolve(true));
      dashboard.handle(req, res, (error) => {
        if (error === undefined) {
          // No dashboard route: let the server's own 404 answer.
          resolve(false);
          return;
        }
        onError(error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("The queue dashboard failed; see the server's log.\n");
        resolve(true);
      });
    });
  };
}
