// When a notification may go out: quiet hours hold it until they end; digests collect notices until
// the next full hour or day. Both in the subscriber's time zone (luxon), so "22:00–07:00" means the
// subscriber's night across daylight-saving changes.
import { DateTime } from "luxon";

export interface DeliveryPreferences {
  digest: "hourly" | "daily" | null;
  quietStart: string | null;
  quietEnd: string | null;
  timezone: string;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
};

/** End of the quiet period containing `at`, or null when `at` is outside quiet hours. */
export function quietUntil(at: number, p: DeliveryPreferences): number | null {
  if (!p.quietStart || !p.quietEnd) return null;
  const local = DateTime.fromMillis(at, { zone: p.timezone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(p.quietStart);
  const end = minutesOf(p.quietEnd);
  if (start === end) return null;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  let until = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (until <= local) until = until.plus({ days: 1 });
  return until.toMillis();
}

/** Next digest boundary strictly after `at`. */
export function nextDigestAt(at: number, digest: "hourly" | "daily", timezone: string): number {
  const local = DateTime.fromMillis(at, { zone: timezone });
  return local.startOf(digest === "hourly" ? "hour" : "day").plus(digest === "hourly" ? { hours: 1 } : { days: 1 }).toMillis();
}

/** Earliest time a notice created at `at` may be sent. */
export function deliverAt(at: number, p: DeliveryPreferences): number {
  let when = p.digest ? nextDigestAt(at, p.digest, p.timezone) : at;
  // A digest that falls into quiet hours waits for their end too.
  const quiet = quietUntil(when, p);
  if (quiet !== null) when = quiet;
  return when;
}

export function isValidTimezone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
