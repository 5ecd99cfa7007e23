// A real Sentinel group for a test: one master, one replica and three sentinels (quorum 2), all
// redis-server processes (`--sentinel`, so no redis-sentinel binary is needed).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../e2e/helpers.js";
import { type RedisProcess, startRedisProcess, withAdmin } from "./redisProcess.js";

export interface RedisSentinel {
  /** REDIS_URL naming the group: its sentinels and the master's name */
  url: string;
  master: RedisProcess;
  replica: RedisProcess;
  /** after the master died: waits until every sentinel names the replica as the master */
  failedOver(): Promise<void>;
  stop(): Promise<void>;
}

const NAME = "mymaster";
const PASSWORD = "sentinel-test-password";

export async function startRedisSentinel(): Promise<RedisSentinel> {
  const root = mkdtempSync(join(tmpdir(), "orchestrate-sentinel-"));
  const processes: RedisProcess[] = [];
  const stop = async () => {
    for (const p of processes) await p.stop();
    rmSync(root, { recursive: true, force: true });
  };
  const data = ["appendonly yes", 'save ""', "maxmemory-policy noeviction"];
  const auth = [`requirepass ${PASSWORD}`, `masterauth ${PASSWORD}`];
  const start = async (name: string, config: string[], sentinel = false) => {
    const dir = mkdtempSync(join(root, `${name}-`));
    const p = await startRedisProcess(dir, config, { sentinel, password: PASSWORD });
    processes.push(p);
    return p;
  };
  try {
    const master = await start("master", [...data, ...auth]);
    const replica = await start("replica", [
      ...data,
      ...auth,
      `replicaof 127.0.0.1 ${master.port}`,
    ]);
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      sentinels.push(
        await start(
          `sentinel${i}`,
          [
            `sentinel monitor ${NAME} 127.0.0.1 ${master.port} 2`,
            `sentinel auth-pass ${NAME} ${PASSWORD}`,
            // A dead master is noticed after two seconds and the replica promoted soon after.
            `sentinel down-after-milliseconds ${NAME} 2000`,
            `sentinel failover-timeout ${NAME} 10000`,
          ],
          true,
        ),
      );
    }
    // A failover needs a majority of sentinels that know each other and the synced replica.
    await waitFor(
      "every sentinel to know the replica and the two other sentinels",
      async () => {
        const views = await Promise.all(
          sentinels.map((s) =>
            withAdmin(s, async (r) => ({
              replicas: (await r.call("SENTINEL", "REPLICAS", NAME)) as string[][],
              others: (await r.call("SENTINEL", "SENTINELS", NAME)) as string[][],
            })),
          ),
        );
        const synced = await withAdmin(replica, (r) => r.info("replication"));
        return (
          synced.includes("master_link_status:up") &&
          views.every((v) => v.replicas.length === 1 && v.others.length === 2)
        );
      },
      { timeoutMs: 30_000 },
    );
    return {
      url: `redis+sentinel://:${PASSWORD}@${sentinels.map((s) => `127.0.0.1:${s.port}`).join(",")}/${NAME}`,
      master,
      replica,
      async failedOver() {
        await waitFor(
          "the sentinels to promote the replica",
          async () => {
            const named = await Promise.all(
              sentinels.map((s) =>
                withAdmin(
                  s,
                  async (r) =>
                    (await r.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)) as string[],
                ),
              ),
            );
            const role = await withAdmin(replica, (r) => r.info("replication"));
            return (
              role.includes("role:master") &&
              named.every((address) => address[1] === String(replica.port))
            );
          },
          { timeoutMs: 45_000 },
        );
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
