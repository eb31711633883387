// The longitudinal profile of a river (issue #19), pure: one value per station at a chosen instant,
// placed at the station's river kilometre (in flow direction), as river scientists draw a plume
// moving downstream. A station's value at time t is its newest reading at or before t, if that is
// recent enough to describe t (a station that has been silent for longer shows no value, not an
// old one). Readings that failed QC (4) are left out; censored readings ("< LOD", "< LOQ") are shown
// as such, never as a number.
import type { SeriesPoint } from "../../../common/api-types.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { QC, type Qualifier } from "../../../common/reading.ts";

export interface ProfileStation {
  id: string;
  /** Kilometre along the river in flow direction. */
  km: number;
}

export interface ProfilePoint {
  station: string;
  km: number;
  /** The reading's value; null when censored (see qualifier) or when there is none recent enough. */
  value: number | null;
  qualifier: Qualifier | null;
  limit: number | null;
  /** When the value was measured; null without one. */
  time: number | null;
}

/** Rivers whose stations have river kilometres, with those stations in flow order (at least two). */
export function profileRivers(catalog: CatalogSnapshot): Array<{ river: string; stations: ProfileStation[] }> {
  const byRiver = new Map<string, ProfileStation[]>();
  for (const s of catalog.stations) {
    if (s.riverKm === null || s.status === "retired" || s.status === "planned") continue;
    const list = byRiver.get(s.river) ?? [];
    list.push({ id: s.id, km: s.riverKm });
    byRiver.set(s.river, list);
  }
  return [...byRiver.entries()]
    .filter(([, stations]) => stations.length >= 2)
    .map(([river, stations]) => ({ river, stations: stations.sort((a, b) => a.km - b.km) }));
}

/**
 * Each station's value at `t`: the newest point at or before `t` no older than `maxAgeMs`.
 * `points` per station must be in time order (as the series API returns them).
 */
export function profileAt(stations: readonly ProfileStation[], points: ReadonlyMap<string, readonly SeriesPoint[]>, t: number, maxAgeMs: number): ProfilePoint[] {
  return stations.map((s) => {
    const p = newestAtOrBefore(points.get(s.id) ?? [], t);
    if (!p || t - p.t > maxAgeMs) return { station: s.id, km: s.km, value: null, qualifier: null, limit: null, time: null };
    return { station: s.id, km: s.km, value: p.v, qualifier: p.qualifier ?? null, limit: p.limit ?? null, time: p.t };
  });
}

/** Binary search for the newest usable point at or before t (failed readings skipped). */
function newestAtOrBefore(points: readonly SeriesPoint[], t: number): SeriesPoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = found; i >= 0; i--) if (points[i]!.qc !== QC.fail) return points[i];
  return undefined;
}

/** The station with the highest quantified value; undefined when none has one. */
export function profileMaximum(profile: readonly ProfilePoint[]): ProfilePoint | undefined {
  let best: ProfilePoint | undefined;
  for (const p of profile) if (p.value !== null && (!best || p.value > best.value!)) best = p;
  return best;
}

/** The slider's instants: every `stepMs` from `from` to `to` (inclusive of `to`'s step). */
export function profileSteps(from: number, to: number, stepMs: number): number[] {
  const first = Math.ceil(from / stepMs) * stepMs;
  const steps: number[] = [];
  for (let t = first; t <= to; t += stepMs) steps.push(t);
  if (steps.length === 0 || steps[steps.length - 1]! < to) steps.push(to);
  return steps;
}
