import { randomUUID } from "node:crypto";
import type { WriteBudget, WriteLimits } from "../github/writeBudget.js";
import type { RedisClient } from "./redisConnection.js";

// One sorted set per installation holds the times of its writes in the last hour, taken by
// Redis's clock so machines with drifting clocks still share one window. The windows are
// widened by SLACK_MS: a write is counted when it is taken, GitHub counts it when it arrives.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perMinute, perHour = tonumber(ARGV[1]), tonumber(ARGV[2])
local spacing, minuteMs, hourMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - hourMs)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and now - tonumber(last[2]) < spacing then
  return {tonumber(last[2]) + spacing - now, 0}
end
local inMinute = redis.call('ZRANGEBYSCORE', KEYS[1], now - minuteMs, '+inf', 'WITHSCORES')
if #inMinute / 2 >= perMinute then
  return {tonumber(inMinute[(#inMinute / 2 - perMinute) * 2 + 2]) + minuteMs - now + 1, 0}
end
local inHour = redis.call('ZCARD', KEYS[1])
if inHour >= perHour then
  local oldest = redis.call('ZRANGE', KEYS[1], inHour - perHour, inHour - perHour, 'WITHSCORES')
  return {tonumber(oldest[2]) + hourMs - now + 1, 1}
end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('PEXPIRE', KEYS[1], hourMs)
return {0, 0}`;

const SLACK_MS = 2000;

export function redisWriteBudget(
  redis: RedisClient,
  prefix: string,
  limits: WriteLimits,
): WriteBudget {
  return {
    async take(installationId, notice) {
      const perHour = limits.perHour - (notice ? 0 : limits.noticeReserve);
      const [wait, hourly] = (await redis.eval(
        TAKE,
        1,
        `${prefix}:github-writes:${installationId}`,
        String(limits.perMinute),
        String(Math.max(1, perHour)),
        String(limits.spacingMs),
        String(limits.minuteMs + SLACK_MS),
        String(limits.hourMs + SLACK_MS),
        randomUUID(),
      )) as [number, number];
      return { waitMs: Math.max(0, Number(wait)), hourly: Number(hourly) === 1 };
    },
  };
}
