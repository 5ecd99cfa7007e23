import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { Queue } from "bullmq";
import express from "express";
import { queueNames } from "./queueNames.js";
import type { RedisClient } from "./redisConnection.js";

export interface QueueDashboard {
  /**
   * Serves bull-board under the base path. Calls `next()` for a request it has no route for,
   * and `next(error)` when a route failed before answering.
   */
  handle(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  close(): Promise<void>;
}

/**
 * bull-board over Orchestrate's three queues. Express is only the adapter bull-board ships:
 * it runs inside Probot's own HTTP server as one more handler, so there is no second port.
 * Who may see it is decided before a request gets here (src/server/dashboardHandler.ts).
 */
export function queueDashboard(
  connection: RedisClient,
  prefix: string,
  basePath: string,
): QueueDashboard {
  const queues = queueNames.map((name) => {
    const queue = new Queue(name, { connection, prefix });
    // The shared connection's errors are logged where it is made (see queueJobCounts).
    queue.on("error", () => undefined);
    return queue;
  });
  const adapter = new ExpressAdapter();
  adapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: "Orchestrate", hideDocsLink: true } },
  });
  const app = express();
  app.disable("x-powered-by");
  app.use(basePath, adapter.getRouter());
  return {
    handle: (req, res, next) => {
      // Express takes plain Node requests and responses and extends them itself.
      app(req as express.Request, res as express.Response, next);
    },
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
