// A webhook receiver for tests: a real HTTP server on 127.0.0.1:0 that records what it is sent (and
// can answer the first few deliveries with 500, to exercise retries).
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AlertEvent } from "../../common/alerts.ts";

/** One accepted delivery: the raw body, its signature header, and the body parsed. */
export interface ReceivedWebhook {
  body: string;
  signature: string | undefined;
  json: { type: string; deliveryId: string; event: AlertEvent };
}

export interface WebhookReceiver {
  port: number;
  url: string;
  /** The bodies received, parsed as JSON. */
  received: unknown[];
  /** The same deliveries with raw body and signature. */
  deliveries: ReceivedWebhook[];
  hits(): number;
  /** Every request, refused ones included. */
  attempts(): number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { path?: string; failures?: number } = {}): Promise<WebhookReceiver> {
  const received: unknown[] = [];
  const deliveries: ReceivedWebhook[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      attempts++;
      if (attempts <= (options.failures ?? 0)) {
        res.statusCode = 500;
        res.end("try again");
        return;
      }
      const text = Buffer.concat(chunks).toString("utf8");
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // Recorded as text.
      }
      received.push(json);
      deliveries.push({ body: text, signature: req.headers["x-watermonitor-signature"] as string | undefined, json: json as ReceivedWebhook["json"] });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}${options.path ?? "/hook"}`,
    received,
    deliveries,
    hits: () => received.length,
    attempts: () => attempts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const validSignature = (secret: string, r: ReceivedWebhook): boolean =>
  r.signature === `sha256=${createHmac("sha256", secret).update(r.body).digest("hex")}`;
