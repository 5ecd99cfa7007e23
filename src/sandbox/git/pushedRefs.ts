import { gunzipSync } from "node:zlib";

export interface PushCommands {
  commands: Array<{ ref: string; deletes: boolean }>;
  /** what the client asked for on the first command line (report-status, side-band-64k…) */
  capabilities: string[];
}

/**
 * What a receive-pack request updates, read from its command list: pkt-lines of
 * `<old> <new> <ref>` (the first with capabilities after a NUL), ended by a flush packet,
 * before the packfile. null when the body cannot be read as one.
 */
export function pushedRefs(body: Buffer, encoding: string | undefined): PushCommands | null {
  let data: Buffer;
  try {
    data = encoding === "gzip" ? gunzipSync(body) : body;
  } catch {
    return null;
  }
  const out: PushCommands = { commands: [], capabilities: [] };
  let at = 0;
  while (at + 4 <= data.length) {
    const length = Number.parseInt(data.subarray(at, at + 4).toString("latin1"), 16);
    if (!Number.isFinite(length)) return null;
    if (length === 0) return out;
    if (length < 4 || at + length > data.length) return null;
    const [line = "", caps] = data
      .subarray(at + 4, at + length)
      .toString("utf8")
      .replace(/\n$/, "")
      .split("\0");
    if (caps !== undefined && out.commands.length === 0) {
      out.capabilities = caps.split(" ").filter(Boolean);
    }
    const m = /^[0-9a-f]{40,64} ([0-9a-f]{40,64}) (\S+)$/.exec(line);
    if (m?.[1] && m[2]) out.commands.push({ ref: m[2], deletes: /^0+$/.test(m[1]) });
    at += length;
  }
  return null;
}
