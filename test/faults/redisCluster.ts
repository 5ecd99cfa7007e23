// A real Redis Cluster for a test: three masters, each with one replica, joined by hand
// (CLUSTER ADDSLOTSRANGE, MEET, REPLICATE) so nothing but redis-server is needed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../e2e/helpers.js";
import { type RedisProcess, startRedisProcess, withAdmin } from "./redisProcess.js";

export interface RedisCluster {
  /** REDIS_URL naming the cluster, every node a seed */
  url: string;
  nodes: RedisProcess[];
  /** the node serving `key`'s slot now */
  masterOf(key: string): Promise<RedisProcess>;
  /** after `killed` died: waits until its slots are served by a promoted replica */
  failedOver(killed: RedisProcess): Promise<void>;
  stop(): Promise<void>;
}

const PASSWORD = "cluster-test-password";
const SLOTS: Array<[number, number]> = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

export async function startRedisCluster(): Promise<RedisCluster> {
  const root = mkdtempSync(join(tmpdir(), "orchestrate-cluster-"));
  const nodes: RedisProcess[] = [];
  const stop = async () => {
    for (const node of nodes) await node.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 6; i++) {
      const dir = mkdtempSync(join(root, `node${i}-`));
      nodes.push(
        await startRedisProcess(
          dir,
          [
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            // A dead master is noticed after this long and its replica promoted soon after.
            "cluster-node-timeout 2000",
            // A replica may take over however long it was apart from its master.
            "cluster-replica-validity-factor 0",
            "appendonly yes",
            'save ""',
            "maxmemory-policy noeviction",
            `requirepass ${PASSWORD}`,
            `masterauth ${PASSWORD}`,
          ],
          { password: PASSWORD },
        ),
      );
    }
    const ids = await Promise.all(
      nodes.map((n) => withAdmin(n, async (r) => String(await r.call("CLUSTER", "MYID")))),
    );
    for (const [i, [from, to]] of SLOTS.entries()) {
      const master = nodes[i] as RedisProcess;
      await withAdmin(master, (r) => r.call("CLUSTER", "ADDSLOTSRANGE", from, to));
    }
    const first = nodes[0] as RedisProcess;
    await withAdmin(first, async (r) => {
      for (const node of nodes.slice(1)) await r.call("CLUSTER", "MEET", "127.0.0.1", node.port);
    });
    await waitFor("every node to know the other five", async () => {
      const views = await Promise.all(nodes.map(clusterNodes));
      return views.every((lines) => lines.length === 6 && !lines.some((l) => /handshake/.test(l)));
    });
    for (let i = 3; i < 6; i++) {
      const replica = nodes[i] as RedisProcess;
      await withAdmin(replica, (r) => r.call("CLUSTER", "REPLICATE", ids[i - 3] as string));
    }
    await waitFor(
      "the cluster to be ok with every replica in sync",
      async () => {
        const infos = await Promise.all(
          nodes.map((n) => withAdmin(n, async (r) => String(await r.call("CLUSTER", "INFO")))),
        );
        const replication = await Promise.all(
          nodes.slice(3).map((n) => withAdmin(n, (r) => r.info("replication"))),
        );
        return (
          infos.every((info) => info.includes("cluster_state:ok")) &&
          replication.every((info) => info.includes("master_link_status:up"))
        );
      },
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const alive = async () => {
    const up: RedisProcess[] = [];
    for (const node of nodes) {
      if (await withAdmin(node, (r) => r.ping()).catch(() => null)) up.push(node);
    }
    return up;
  };
  const portServing = async (via: RedisProcess, slot: number) => {
    const slots = (await withAdmin(via, (r) => r.call("CLUSTER", "SLOTS"))) as Array<
      [number, number, [string, number, string]]
    >;
    return slots.find(([from, to]) => from <= slot && slot <= to)?.[2][1];
  };
  return {
    url: `redis+cluster://:${PASSWORD}@${nodes.map((n) => `127.0.0.1:${n.port}`).join(",")}`,
    nodes,
    async masterOf(key) {
      const [via] = await alive();
      if (!via) throw new Error("every node of the cluster is down");
      const slot = Number(await withAdmin(via, (r) => r.call("CLUSTER", "KEYSLOT", key)));
      const port = await portServing(via, slot);
      const master = nodes.find((n) => n.port === port);
      if (!master) throw new Error(`no node serves slot ${slot}`);
      return master;
    },
    async failedOver(killed) {
      const ranges = SLOTS[nodes.indexOf(killed) % 3] as [number, number];
      await waitFor(
        `a replica to take over the slots of the node on port ${killed.port}`,
        async () => {
          const survivors = (await alive()).filter((n) => n !== killed);
          for (const node of survivors) {
            const info = await withAdmin(node, async (r) =>
              String(await r.call("CLUSTER", "INFO")),
            );
            if (!info.includes("cluster_state:ok")) return false;
            const port = await portServing(node, ranges[0]);
            if (port === undefined || port === killed.port) return false;
          }
          return true;
        },
        { timeoutMs: 45_000 },
      );
    },
    stop,
  };
}

async function clusterNodes(node: RedisProcess): Promise<string[]> {
  const text = await withAdmin(node, async (r) => String(await r.call("CLUSTER", "NODES")));
  return text.split("\n").filter((l) => l.trim() !== "");
}
