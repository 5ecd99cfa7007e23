import type { IncomingMessage, ServerResponse } from "node:http";
import type { RedisClient } from "../queue/redisConnection.js";

/** `/healthz`: 200 when Redis answers a PING, 503 with the reason otherwise. */
export function healthHandler(redis: RedisClient) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.url?.split("?")[0] !== "/healthz") return false;
    try {
      await Promise.race([
        redis.ping(),
        new Promise((_, fail) => setTimeout(() => fail(new Error("timed out")), 2000).unref()),
      ]);
      res
        .writeHead(200, { "content-type": "application/json" })
        .end('{"status":"ok","redis":"ok"}');
    } catch (error) {
      res
        .writeHead(503, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "unavailable", redis: (error as Error).message }));
    }
    return true;
  };
}
