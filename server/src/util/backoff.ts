/** Capped exponential backoff: base, 2·base, 4·base, … up to max (attempt counts from 0). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}
