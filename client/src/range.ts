// Time ranges: relative presets that end "now" and custom absolute ranges; shifting and zooming
// turn a preset into a custom range. Pure.
export type RangePreset = "live" | "24h" | "7d" | "30d" | "1y";
export type RangeKey = RangePreset | "custom";

export const PRESETS: readonly RangePreset[] = ["live", "24h", "7d", "30d", "1y"];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const PRESET_MS: Readonly<Record<RangePreset, number>> = {
  live: HOUR,
  "24h": DAY,
  "7d": 7 * DAY,
  "30d": 30 * DAY,
  "1y": 365 * DAY,
};

export type TimeRange = { key: RangePreset } | { key: "custom"; from: number; to: number };

export function resolveRange(range: TimeRange, now: number): { from: number; to: number } {
  if (range.key === "custom") return { from: range.from, to: range.to };
  return { from: now - PRESET_MS[range.key], to: now };
}

/** Shift by half the span; `direction` -1 is earlier, +1 later (never past now). */
export function shiftRange(range: TimeRange, direction: -1 | 1, now: number): TimeRange {
  const { from, to } = resolveRange(range, now);
  const step = ((to - from) / 2) * direction;
  const newTo = Math.min(now, to + step);
  return { key: "custom", from: newTo - (to - from), to: newTo };
}

/** Zoom around the centre: factor < 1 zooms in, > 1 out. Never shorter than a minute. */
export function zoomRange(range: TimeRange, factor: number, now: number): TimeRange {
  const { from, to } = resolveRange(range, now);
  const centre = (from + to) / 2;
  const half = Math.max(30_000, ((to - from) * factor) / 2);
  const newTo = Math.min(now, centre + half);
  return { key: "custom", from: newTo - 2 * half, to: newTo };
}

export function parseRangeQuery(query: URLSearchParams, fallback: RangePreset = "24h"): TimeRange {
  const key = query.get("range");
  if (key === "custom") {
    const from = Number(query.get("from"));
    const to = Number(query.get("to"));
    if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { key: "custom", from, to };
  }
  if (key && (PRESETS as readonly string[]).includes(key)) return { key: key as RangePreset };
  return { key: fallback };
}

export function writeRangeQuery(query: URLSearchParams, range: TimeRange): void {
  query.set("range", range.key);
  if (range.key === "custom") {
    query.set("from", String(Math.round(range.from)));
    query.set("to", String(Math.round(range.to)));
  } else {
    query.delete("from");
    query.delete("to");
  }
}

/** Presets follow new readings (append); a custom range is a fixed window. */
export function isFollowingNow(range: TimeRange): boolean {
  return range.key !== "custom";
}
