// A webhook receiver for tests: a real HTTP server on 127.0.0.1:0 that records what it is sent.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface WebhookReceiver {
  port: number;
  url: string;
  /** The bodies received, parsed as JSON. */
  received: unknown[];
  hits(): number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = "/hook"): Promise<WebhookReceiver> {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        received.push(JSON.parse(text));
      } catch {
        received.push(text);
      }
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}${path}`,
    received,
    hits: () => received.length,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
