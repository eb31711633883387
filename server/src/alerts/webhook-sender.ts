// Webhook delivery: a JSON POST signed like GitHub's webhooks, so a receiver can check that the body
// came from us and was not altered: X-WaterMonitor-Signature: sha256=<HMAC-SHA256(secret, raw body)>.
// Sent with node:http(s) rather than fetch, because only that lets us vet the addresses a host name
// resolves to before connecting (see webhook-target.ts). Redirects are not followed.
import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { portOf, type WebhookGuard } from "./webhook-guard.ts";

export const SIGNATURE_HEADER = "X-WaterMonitor-Signature";
export const DELIVERY_HEADER = "X-WaterMonitor-Delivery";

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

export interface WebhookPost {
  url: string;
  secret: string;
  body: string;
  deliveryId: string;
  timeoutMs: number;
  /** Where webhooks may go (webhook-guard.ts): checked on the addresses the connection uses. */
  guard: WebhookGuard;
}

export async function postWebhook(post: WebhookPost): Promise<DeliveryResult> {
  let url: URL;
  try {
    url = new URL(post.url);
  } catch {
    return { ok: false, status: null, error: "the webhook URL is not a URL" };
  }
  // IP literals get no lookup from http.request: judged here; names in the lookup below.
  const problem = await post.guard.literalProblem(url);
  if (problem) return { ok: false, status: null, error: problem };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<DeliveryResult>((resolve) => {
    const req = client.request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(post.body),
          "user-agent": "WaterMonitor-Webhook/1",
          [SIGNATURE_HEADER]: signBody(post.secret, post.body),
          // Receivers dedupe on this: a retry after a lost 2xx carries the same id.
          [DELIVERY_HEADER]: post.deliveryId,
        },
        signal: AbortSignal.timeout(post.timeoutMs),
        lookup: post.guard.lookupFor(portOf(url)),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        const ok = status >= 200 && status < 300;
        resolve(ok ? { ok: true, status, error: null } : { ok: false, status, error: `HTTP ${status}` });
      },
    );
    req.on("error", (err) => resolve({ ok: false, status: null, error: err.message }));
    req.end(post.body);
  });
}
