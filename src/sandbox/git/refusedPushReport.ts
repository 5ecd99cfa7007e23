import type { PushCommands } from "./pushedRefs.js";

const pkt = (data: Buffer | string): Buffer => {
  const body = Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8");
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0")), body]);
};
const FLUSH = Buffer.from("0000");

/**
 * The receive-pack answer GitHub gives a push to refs the pusher may not update: the request
 * is taken, each such ref is reported `ng <ref> permission denied` (git prints
 * "! [remote rejected] <ref> (permission denied)") and nothing moves. The others of the same
 * push are not applied either, and say so.
 */
export function refusedPushReport(push: PushCommands, refused: (ref: string) => boolean): Buffer {
  const report = Buffer.concat([
    pkt("unpack ok\n"),
    ...push.commands.map((c) =>
      pkt(`ng ${c.ref} ${refused(c.ref) ? "permission denied" : "atomic push failed"}\n`),
    ),
    FLUSH,
  ]);
  // report-status-v2 reads `ng` lines the same way.
  if (!push.capabilities.some((c) => c === "report-status" || c === "report-status-v2")) {
    return FLUSH;
  }
  if (!push.capabilities.some((c) => c === "side-band-64k" || c === "side-band")) return report;
  // With side-band, the report travels on band 1, in packets of at most 1000 bytes for
  // plain side-band (65520 for side-band-64k): one is enough for a few refs.
  return Buffer.concat([pkt(Buffer.concat([Buffer.from([1]), report])), FLUSH]);
}
