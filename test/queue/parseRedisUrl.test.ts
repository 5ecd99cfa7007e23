import { describe, expect, it } from "vitest";
import { loadOperatorConfig } from "../../src/config/env.js";
import { parseRedisUrl } from "../../src/queue/parseRedisUrl.js";

describe("parseRedisUrl", () => {
  it("passes a single Redis's URL through as it is", () => {
    expect(parseRedisUrl("rediss://:pw@redis.internal:6380/2")).toEqual({
      kind: "single",
      url: "rediss://:pw@redis.internal:6380/2",
    });
  });

  it("reads a cluster's seed nodes and their credentials", () => {
    expect(parseRedisUrl("rediss+cluster://app:p%40ss@10.0.0.1:7000,[::1]:7001,h3:7002")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "::1", port: 7001 },
        { host: "h3", port: 7002 },
      ],
      username: "app",
      password: "p@ss",
      tls: true,
    });
  });

  it("reads a Sentinel group's sentinels, master name, database and sentinel password", () => {
    expect(
      parseRedisUrl("redis+sentinel://:pw@s1:26379,s2:26380/mymaster/3?sentinelPassword=sp"),
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26380 },
      ],
      name: "mymaster",
      db: 3,
      password: "pw",
      sentinelPassword: "sp",
      tls: false,
    });
  });

  it("refuses a bad REDIS_URL at startup with one line saying what to write", () => {
    const refusal = (url: string) => {
      try {
        loadOperatorConfig({ REDIS_URL: url });
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${url} was accepted`);
    };
    expect(refusal("redis+cluster://h1:7000,h2")).toMatch(
      /REDIS_URL: "h2" is not a host:port; list every seed as host:7000, separated by commas/,
    );
    expect(refusal("redis+sentinel://h1:26379,h2:26379")).toMatch(
      /REDIS_URL: must name the sentinels' master after the hosts, e\.g\. redis\+sentinel:\/\/host:26379/,
    );
    expect(refusal("redis+cluster://h1:7000/1")).toMatch(/a Redis Cluster has one database/);
    expect(refusal("memcached://h1:11211")).toMatch(/REDIS_URL: must be one of redis:\/\//);
  });
});
