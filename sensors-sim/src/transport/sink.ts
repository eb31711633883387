// A sink sends one batch to the server and says what happened, in terms the uplink acts on:
// accepted, retry later (server down, overloaded, 5xx), too large (split), or rejected for good.
import { z } from "zod";
import type { SimReading } from "../reading-generator.ts";

export type SendOutcome =
  | { kind: "accepted"; count: number; flagged: { suspect: number; fail: number } }
  | { kind: "retry"; reason: string; retryAfterMs: number | undefined }
  | { kind: "tooLarge"; message: string }
  | {
      kind: "rejected";
      status: number;
      code: string | undefined;
      message: string;
      /** Positions of the refused readings in the batch, when the server names them (400 details). */
      invalidIndices?: number[];
    };

export interface ReadingSink {
  readonly name: string;
  send(batch: readonly SimReading[], signal: AbortSignal): Promise<SendOutcome>;
}

export type FetchFn = typeof fetch;

export interface HttpSinkOptions {
  /** Server base URL, e.g. http://localhost:3000 */
  url: string;
  /** Station write token (sent as a bearer token). */
  token: string | undefined;
  /** Longest a request may take before it counts as failed and is retried. */
  requestTimeoutMs: number;
  fetch?: FetchFn;
  /** For Retry-After given as an HTTP date. */
  now: () => number;
}

const errorBody = z.object({
  error: z
    .object({
      code: z.string().optional(),
      message: z.string().optional(),
      details: z.array(z.object({ index: z.number().int().nonnegative().optional() }).passthrough()).optional(),
    })
    .passthrough(),
});

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** POSTs a body and classifies the answer; the body parser handles the 2xx case. */
export async function postBatch(
  options: HttpSinkOptions,
  path: string,
  body: string,
  contentType: string,
  count: number,
  signal: AbortSignal,
  parseAccepted: (response: Response, count: number) => Promise<SendOutcome>,
): Promise<SendOutcome> {
  const headers: Record<string, string> = { "content-type": contentType };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(options.requestTimeoutMs);
    response = await (options.fetch ?? fetch)(new URL(path, options.url), {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { kind: "retry", reason: cause ?? (err as Error).message, retryAfterMs: undefined };
  }
  if (response.ok) return parseAccepted(response, count);
  const text = await response.text().catch(() => "");
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), options.now());
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    return { kind: "retry", reason: `HTTP ${response.status}`, retryAfterMs };
  }
  let code: string | undefined;
  let invalidIndices: number[] | undefined;
  let message = text.slice(0, 500) || response.statusText;
  try {
    const parsed = errorBody.safeParse(JSON.parse(text));
    if (parsed.success) {
      code = parsed.data.error.code;
      message = parsed.data.error.message ?? message;
      const indices = (parsed.data.error.details ?? []).flatMap((d) => (d.index === undefined ? [] : [d.index]));
      if (response.status === 400 && indices.length > 0) invalidIndices = [...new Set(indices)].filter((i) => i < count);
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the raw text.
  }
  if (response.status === 413) return { kind: "tooLarge", message };
  return { kind: "rejected", status: response.status, code, message, ...(invalidIndices ? { invalidIndices } : {}) };
}
