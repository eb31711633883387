// Time of day as nature and people see it at a station.
// - Light, water temperature and photosynthesis follow the sun: local *solar* time from longitude.
// - Wastewater follows people's habits: local *civil* time in the station's time zone (with DST).
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Hour of day in local mean solar time, [0, 24). */
export function solarHour(t: number, lon: number): number {
  const hours = (t / HOUR_MS + lon / 15) % 24;
  return hours < 0 ? hours + 24 : hours;
}

/** Day of the year, fractional, from 0 (1 Jan 00:00 UTC). */
export function dayOfYear(t: number): number {
  const d = new Date(t);
  return (t - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS;
}

/**
 * Clear-sky irradiance as a fraction of the sun at zenith: max(0, sin(elevation)).
 * Declination by Cooper's formula; accurate to a degree, plenty for a diurnal cycle.
 */
export function clearSkyLight(t: number, lat: number, lon: number): number {
  const decl = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + dayOfYear(t))) / 365);
  const hourAngle = ((solarHour(t, lon) - 12) * 15 * Math.PI) / 180;
  const phi = (lat * Math.PI) / 180;
  const sinElevation = Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(hourAngle);
  return Math.max(0, sinElevation);
}

// Intl is slow, and offsets only change at DST switches (always on the hour), so cache per hour.
const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of the time zone's civil time from UTC, in minutes, at instant t. */
export function utcOffsetMinutes(timeZone: string, t: number): number {
  const hourIndex = Math.floor(t / HOUR_MS);
  const key = `${timeZone}|${hourIndex}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    formatters.set(timeZone, fmt);
  }
  const name = fmt.formatToParts(hourIndex * HOUR_MS).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  const minutes = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0)) : 0;
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, minutes);
  return minutes;
}

/** Hour of day in the station's civil time, [0, 24). */
export function civilHour(t: number, timeZone: string): number {
  const local = t + utcOffsetMinutes(timeZone, t) * 60_000;
  const hours = (local / HOUR_MS) % 24;
  return hours < 0 ? hours + 24 : hours;
}
