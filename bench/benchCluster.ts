import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../src/queue/embeddedRedis.js";
import { sleep } from "./stats.js";

export interface BenchCluster {
  /** REDIS_URL naming the cluster */
  url: string;
  /**
   * How many keys each master holds (DBSIZE, masters in slot order) and how many commands it
   * has run since it started (INFO stats), and how many slots hold the keys
   */
  keySpread(): Promise<KeySpread>;
  stop(): Promise<void>;
}

export interface KeySpread {
  keysPerMaster: number[];
  commandsPerMaster: number[];
  slots: number;
}

const SLOTS: Array<[number, number]> = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

/**
 * A 3-master Redis Cluster (no replicas: the bench measures the path, not failover), started
 * from redis-server with the app's settings (noeviction, AOF on) and joined by hand.
 */
export async function startBenchCluster(): Promise<BenchCluster> {
  const root = mkdtempSync(join(tmpdir(), "orchestrate-bench-cluster-"));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((done) => child.once("exit", () => done()));
        child.kill("SIGTERM");
        await exited;
      }),
    );
    rmSync(root, { recursive: true, force: true });
  };
  const admin = (port: number) => new Redis({ host: "127.0.0.1", port, lazyConnect: true });
  try {
    for (let i = 0; i < SLOTS.length; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(root, `node${i}-`));
      ports.push(port);
      children.push(
        spawn(
          "redis-server",
          [
            ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
            ...["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"],
            ...["--appendonly", "yes", "--save", "", "--maxmemory-policy", "noeviction"],
          ],
          { stdio: "ignore" },
        ),
      );
    }
    const nodes = ports.map(admin);
    for (const node of nodes) await untilAnswers(node);
    for (const [i, [from, to]] of SLOTS.entries()) {
      await nodes[i]?.call("CLUSTER", "ADDSLOTSRANGE", from, to);
    }
    for (const port of ports.slice(1)) await nodes[0]?.call("CLUSTER", "MEET", "127.0.0.1", port);
    for (;;) {
      const infos = await Promise.all(nodes.map((n) => n.call("CLUSTER", "INFO")));
      if (infos.every((info) => String(info).includes("cluster_state:ok"))) break;
      await sleep(100);
    }
    for (const node of nodes) node.disconnect();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`,
    keySpread: () => keySpread(ports.map(admin)),
    stop,
  };
}

async function keySpread(nodes: Redis[]): Promise<KeySpread> {
  const keysPerMaster: number[] = [];
  const commandsPerMaster: number[] = [];
  const slots = new Set<number>();
  try {
    for (const node of nodes) {
      const stats = await node.info("stats");
      commandsPerMaster.push(Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0));
      keysPerMaster.push(await node.dbsize());
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "COUNT", 1000);
        cursor = next;
        for (const key of keys) slots.add(Number(await node.call("CLUSTER", "KEYSLOT", key)));
      } while (cursor !== "0");
    }
  } finally {
    for (const node of nodes) node.disconnect();
  }
  return { keysPerMaster, commandsPerMaster, slots: slots.size };
}

async function untilAnswers(node: Redis): Promise<void> {
  node.on("error", () => undefined);
  for (let tries = 0; tries < 100; tries++) {
    if (await node.ping().catch(() => null)) return;
    await sleep(100);
  }
  throw new Error("a bench cluster node did not start");
}
