import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedRedis } from "../src/queue/embeddedRedis.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

// One real redis-server for the whole run, started the same way `npm start` starts its own;
// tests isolate themselves with a key prefix of their own.
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-test-redis-"));
  const redis = await startEmbeddedRedis(dir);
  project.provide("redisUrl", redis.url);
  process.env.TEST_REDIS_URL = redis.url;
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
