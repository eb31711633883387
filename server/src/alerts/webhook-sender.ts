// Webhook delivery: a JSON POST signed like GitHub's webhooks, so a receiver can check that the body
// came from us and was not altered: X-WaterMonitor-Signature: sha256=<HMAC-SHA256(secret, raw body)>.
import { createHmac } from "node:crypto";

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

export async function postWebhook(url: string, secret: string, body: string, deliveryId: string, timeoutMs: number): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "WaterMonitor-Webhook/1",
        [SIGNATURE_HEADER]: signBody(secret, body),
        // Receivers dedupe on this: a retry after a lost 2xx carries the same id.
        [DELIVERY_HEADER]: deliveryId,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.ok ? { ok: true, status: res.status, error: null } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, status: null, error: (err as Error).message };
  }
}
