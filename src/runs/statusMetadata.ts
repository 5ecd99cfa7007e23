import type { RunSnapshot } from "./run.js";

// The status comment carries the run as hidden metadata so a run can be rebuilt from GitHub
// when Redis is lost. Base64 keeps `-->` and any unicode in task text from breaking the comment.
const MARKER = "<!-- orchestrate:status";
const pattern = /<!-- orchestrate:status v1 ([A-Za-z0-9+/=]+) -->/;

export function isStatusComment(body: string): boolean {
  return body.includes(MARKER);
}

export function encodeStatusMetadata(snapshot: RunSnapshot): string {
  const json = JSON.stringify(snapshot);
  return `${MARKER} v1 ${Buffer.from(json, "utf8").toString("base64")} -->`;
}

export function decodeStatusMetadata(body: string): RunSnapshot | null {
  const match = pattern.exec(body);
  if (!match?.[1]) return null;
  try {
    return JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) as RunSnapshot;
  } catch {
    return null;
  }
}
