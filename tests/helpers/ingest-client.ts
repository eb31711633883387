// Small helpers for tests that send readings to a running server over real HTTP.
import type { IngestReading } from "../../common/api-types.ts";

export async function postReadings(baseUrl: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/readings`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function reading(overrides: Partial<IngestReading> = {}): IngestReading {
  return { station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time: new Date().toISOString(), value: 120, ...overrides };
}
