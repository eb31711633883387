// The newest reading of each station × parameter from its primary sensor, as the overview's cards
// and map show them (a prototype sensor beside it is the station page's business). Kept from the
// /latest answer and live readings; an older reading never replaces a newer one.
import type { AlertInfo } from "../../common/alerts.ts";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import type { Reading } from "../../common/reading.ts";

/** The compounds the overview shows first: the cooperation's lead pharmaceutical residues. */
export const KEY_COMPOUNDS = ["carbamazepine", "diclofenac", "sulfamethoxazole"];

export class LatestReadings {
  private readonly byStation = new Map<string, Map<string, Reading>>();

  constructor(private readonly catalog: CatalogSnapshot) {}

  /** Keeps `r` when it is the primary sensor's and newer than what is held; says whether it did. */
  store(r: Reading): boolean {
    if (this.catalog.primarySensor(r.station, r.parameter, r.time)?.id !== r.sensor) return false;
    let m = this.byStation.get(r.station);
    if (!m) this.byStation.set(r.station, (m = new Map()));
    const prev = m.get(r.parameter);
    if (prev && prev.time > r.time) return false;
    m.set(r.parameter, r);
    return true;
  }

  /** The station's newest readings by parameter (empty when none is held). */
  of(station: string): ReadonlyMap<string, Reading> {
    return this.byStation.get(station) ?? new Map<string, Reading>();
  }

  clear(): void {
    this.byStation.clear();
  }
}

/** Alerts by station, for deriveStatus. */
export function alertsByStation(alerts: readonly AlertInfo[]): Map<string, AlertInfo[]> {
  const out = new Map<string, AlertInfo[]>();
  for (const a of alerts) out.set(a.station, [...(out.get(a.station) ?? []), a]);
  return out;
}
