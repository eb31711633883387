// ISO 8601 timestamps with an explicit offset for exports: `Z` for UTC, the station's offset
// (DST-aware, via luxon's IANA zone data) for local time. Exports format millions of timestamps,
// so both formatters avoid per-row zone lookups: rows arrive in time order and many share one
// instant (one row per series), and a zone's offset is constant within almost every UTC hour.
import { IANAZone } from "luxon";

export type TimeFormatter = (ms: number) => string;

const HOUR_MS = 3_600_000;

/** 2026-01-01T10:00:00.000Z */
export function utcFormatter(): TimeFormatter {
  let lastMs = Number.NaN;
  let last = "";
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      last = new Date(ms).toISOString();
    }
    return last;
  };
}

function offsetSuffix(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${sign}${hh}:${mm}`;
}

/** 2026-07-01T12:00:00.000+02:00 for Europe/Berlin; throws on an unknown zone name. */
export function zoneFormatter(zoneName: string): TimeFormatter {
  const zone = IANAZone.create(zoneName);
  if (!zone.isValid) throw new RangeError(`Unknown time zone ${JSON.stringify(zoneName)}`);
  let cachedHour = Number.NaN;
  // Offset (minutes) valid for the whole cached UTC hour, or null when it changes inside that hour.
  let cachedOffset: number | null = null;
  let lastMs = Number.NaN;
  let last = "";
  const offsetAt = (ms: number): number => {
    const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
    if (hour !== cachedHour) {
      cachedHour = hour;
      const atStart = zone.offset(hour);
      // Zones change offset at most once within an hour, so equal ends mean constant throughout.
      cachedOffset = zone.offset(hour + HOUR_MS - 1) === atStart ? atStart : null;
    }
    return cachedOffset ?? zone.offset(ms);
  };
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      const offset = offsetAt(ms);
      last = new Date(ms + offset * 60_000).toISOString().slice(0, -1) + offsetSuffix(offset);
    }
    return last;
  };
}
