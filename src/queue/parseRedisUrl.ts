export interface RedisAddress {
  host: string;
  port: number;
}

/** What REDIS_URL names, as plain data: which client to make and with which credentials. */
export type RedisTarget =
  | { kind: "single"; url: string }
  | {
      kind: "cluster";
      nodes: RedisAddress[];
      username?: string;
      password?: string;
      tls: boolean;
    }
  | {
      kind: "sentinel";
      sentinels: RedisAddress[];
      /** the master's name in the sentinels' configuration (`sentinel monitor <name> …`) */
      name: string;
      db: number;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      tls: boolean;
    };

export const REDIS_URL_FORMS =
  "redis://[:password@]host:6379[/db], rediss://… (TLS), redis+cluster://[:password@]host:7000,host:7001 or redis+sentinel://[:password@]host:26379,host:26380/mastername[/db] (rediss+… for TLS)";

const FORM = /^(rediss?)(\+cluster|\+sentinel)?:\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/;

/**
 * Reads REDIS_URL. A plain `redis://`/`rediss://` URL is passed to ioredis as it is; the
 * `+cluster` and `+sentinel` forms list several `host:port` seeds separated by commas, which a
 * WHATWG URL cannot hold, so they are read here. Throws an Error saying what to write.
 */
export function parseRedisUrl(url: string): RedisTarget {
  if (/^rediss?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new Error(`is not a URL; write ${REDIS_URL_FORMS}`);
    }
    return { kind: "single", url };
  }
  const match = FORM.exec(url.trim());
  if (!match) throw new Error(`must be one of ${REDIS_URL_FORMS}`);
  const [, scheme, mode, userinfo, hosts, path, query] = match;
  const tls = scheme === "rediss";
  if (!mode) throw new Error(`must be one of ${REDIS_URL_FORMS}`);
  const credentials = credentialsOf(userinfo);
  const addresses = (hosts ?? "").split(",").map((seed) => addressOf(seed, url));
  const params = new URLSearchParams(query ?? "");
  if (mode === "+cluster") {
    if (path && path !== "/") {
      throw new Error(
        "a Redis Cluster has one database: drop the path, e.g. redis+cluster://host:7000,host:7001",
      );
    }
    return { kind: "cluster", nodes: addresses, ...credentials, tls };
  }
  const [, name, db, ...rest] = (path ?? "").split("/");
  if (!name || rest.length > 0 || (db !== undefined && !/^\d+$/.test(db))) {
    throw new Error(
      "must name the sentinels' master after the hosts, e.g. redis+sentinel://host:26379,host:26380/mymaster (or …/mymaster/0 for a database)",
    );
  }
  const sentinelPassword = params.get("sentinelPassword") ?? undefined;
  return {
    kind: "sentinel",
    sentinels: addresses,
    name: decodeURIComponent(name),
    db: db === undefined ? 0 : Number(db),
    ...credentials,
    ...(sentinelPassword ? { sentinelPassword } : {}),
    tls,
  };
}

function credentialsOf(userinfo: string | undefined): { username?: string; password?: string } {
  if (!userinfo) return {};
  const colon = userinfo.indexOf(":");
  const username = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? "" : decodeURIComponent(userinfo.slice(colon + 1));
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function addressOf(seed: string, url: string): RedisAddress {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(seed);
  const port = Number(match?.[2]);
  if (!match?.[1] || port < 1 || port > 65535) {
    const form = url.includes("+sentinel") ? "host:26379" : "host:7000";
    throw new Error(
      `"${seed}" is not a host:port; list every seed as ${form}, separated by commas`,
    );
  }
  return { host: match[1].replace(/^\[|\]$/g, ""), port };
}
