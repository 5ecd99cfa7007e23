import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { readTail } from "../../src/github/readTail.js";

// A failed job's log can be hundreds of MB: only its end reaches a work order, and reading it
// holds no more than that end in memory. The log here is generated while it is sent, never stored.

const MB = 1024 * 1024;

describe("readTail", () => {
  it("reads the last bytes of a 300 MB log streamed over HTTP, holding only those", async () => {
    const line = Buffer.from(`${"x".repeat(99)}\n`);
    const chunk = Buffer.concat(Array.from({ length: MB / line.length }, () => line));
    const chunks = 300;
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      let sent = 0;
      const more = () => {
        while (sent < chunks) {
          sent += 1;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        res.end("last line: the assertion that failed\n");
      };
      more();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      const before = process.memoryUsage();
      let peak = 0;
      const sample = setInterval(() => {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.rss - before.rss, now.arrayBuffers - before.arrayBuffers);
      }, 20);
      const response = await fetch(`http://127.0.0.1:${port}/log`);
      const tail = await readTail(response.body!, 64 * 1024).finally(() => clearInterval(sample));
      expect(Buffer.byteLength(tail)).toBe(64 * 1024);
      expect(tail.endsWith("last line: the assertion that failed\n")).toBe(true);
      // Far below the 300 MB that went through (buffering it would take all of them).
      expect(peak).toBeLessThan(100 * MB);
    } finally {
      server.close();
    }
  });

  it("keeps a whole short log, and drops a character cut in two at the start", async () => {
    async function* of(...parts: string[]) {
      for (const p of parts) yield Buffer.from(p);
    }
    expect(await readTail(of("short ", "log\n"), 1024)).toBe("short log\n");
    // "é" is two bytes: a cut through it leaves no broken character behind.
    expect(await readTail(of("aé", "bc"), 3)).toBe("bc");
  });
});
