import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
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
  buildCli();
  const dir = mkdtempSync(join(tmpdir(), "orchestrate-test-redis-"));
  const redis = await startEmbeddedRedis(dir);
  project.provide("redisUrl", redis.url);
  process.env.TEST_REDIS_URL = redis.url;
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

// The e2e tests start `orchestrate worker` as real processes from the compiled CLI, so compile
// once per run (a few seconds). Type errors are the typecheck step's to report; tsc still emits.
function buildCli(): void {
  const root = join(import.meta.dirname, "..");
  const tsc = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], {
    cwd: root,
    encoding: "utf8",
  });
  if (tsc.status !== 0) process.stderr.write(`tsc -p tsconfig.build.json:\n${tsc.stdout}\n`);
  if (tsc.error || !existsSync(join(root, "dist/src/cli.js"))) {
    throw new Error(`could not build dist/src/cli.js: ${tsc.error?.message ?? tsc.stdout}`);
  }
  // As `npm run build` leaves it: the package's bin, run by `npx orchestrate`.
  chmodSync(join(root, "dist/src/cli.js"), 0o755);
}
