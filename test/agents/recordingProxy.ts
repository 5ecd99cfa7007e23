// An HTTP(S) proxy on loopback that forwards nothing: it records every host a client tried to
// reach through it (CONNECT for https, the request line for http) and refuses. Handed to an agent
// as HTTPS_PROXY / HTTP_PROXY, it shows whether the agent tried any host but its model API.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordingProxy {
  url: string;
  /** "CONNECT host:port" or "GET http://host/path", in order. */
  attempts: string[];
  close(): Promise<void>;
}

export async function startRecordingProxy(): Promise<RecordingProxy> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on("connect", (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    // The client may reset the connection it is refused; that is no error of the proxy's.
    socket.on("error", () => undefined);
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
