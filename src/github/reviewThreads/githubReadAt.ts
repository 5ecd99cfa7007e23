import type { GraphqlAnswer } from "./graphqlCall.js";

/** Without a Date header the local clock stands in, with this much room for its skew. */
const LOCAL_CLOCK_ALLOWANCE_MS = 5 * 60_000;

/**
 * A moment on GitHub's clock at or before which a call read what it answered (see
 * PullSeen.readAt). GitHub stamps Date (whole seconds, rounded down) when it answers, after
 * the read, and the read cannot precede the answer by more than our whole round trip: so the
 * read happened no earlier than Date less the round trip. Earlier is always safe; it only costs
 * an extra listing.
 */
export function githubReadAt(answer: Pick<GraphqlAnswer, "serverDate" | "roundTripMs">): string {
  const server = answer.serverDate === null ? Number.NaN : Date.parse(answer.serverDate);
  const at = Number.isFinite(server)
    ? server - answer.roundTripMs
    : Date.now() - answer.roundTripMs - LOCAL_CLOCK_ALLOWANCE_MS;
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
