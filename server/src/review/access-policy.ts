// Who reads a series' unreleased data. Organisations own stations (their operator) and sensors (their
// owner); a series belongs to its sensor's owner, else to its station's operator: the organisation
// that runs an instrument decides when its data are published (a prototype's owner, not the agency
// hosting it). Data are released once their approval level reaches the release level and no embargo
// of the owning organisation holds them back. Unreleased data are readable in full by the owning
// organisation's members and by admins; everyone else gets released data only, or — if the operator
// chooses (setting `publicProvisional`) — unreleased data too, each value labelled "provisional —
// subject to revision" (USGS provisional-data policy). An embargo is stricter: nobody outside the
// organisation that set it reads anything of the series while it holds. Pure.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { approvalAtLeast, type ApprovalLevel, type EmbargoInfo, type ReleasePolicy, type SeriesKey } from "../../../common/review.ts";

/**
 * full: everything (members, admins, the system itself); provisional: everything, unreleased parts
 * labelled; released: released parts only; none: nothing (an embargo).
 */
export type SeriesAccess = "full" | "provisional" | "released" | "none";

export interface Viewer {
  admin: boolean;
  organisations: ReadonlySet<string>;
}

/** The server itself (alert engine, rolling means): reads everything. */
export const SYSTEM_VIEWER: Viewer = Object.freeze({ admin: true, organisations: new Set<string>() });

/** The organisation a series belongs to: its sensor's owner, else its station's operator; null: nobody's. */
export function seriesOwner(catalog: CatalogSnapshot, station: string, sensor: string | null): string | null {
  const owner = sensor === null ? null : (catalog.sensor(sensor)?.owner ?? null);
  return owner ?? catalog.station(station)?.operator ?? null;
}

/** The embargoes holding at `now`: the newest record per target decides (a lift is a record with until null). */
export function activeEmbargoes(records: readonly EmbargoInfo[], now: number): EmbargoInfo[] {
  const latest = new Map<string, EmbargoInfo>();
  for (const e of records) {
    const key = `${e.target.kind}:${e.target.id}`;
    const previous = latest.get(key);
    if (!previous || previous.id < e.id) latest.set(key, e);
  }
  return [...latest.values()].filter((e) => e.until !== null && e.until > now);
}

export interface SeriesAccessInfo {
  kind: SeriesAccess;
  owner: string | null;
  /** The embargo that withholds it (kind "none"). */
  embargo: EmbargoInfo | null;
}

export class AccessPolicy {
  private readonly bySensor = new Map<string, EmbargoInfo>();
  private readonly byStation = new Map<string, EmbargoInfo>();

  constructor(
    readonly viewer: Viewer,
    readonly release: ReleasePolicy,
    embargoes: readonly EmbargoInfo[],
    private readonly catalog: CatalogSnapshot,
  ) {
    for (const e of embargoes) (e.target.kind === "sensor" ? this.bySensor : this.byStation).set(e.target.id, e);
  }

  /** Whether the viewer may read everything of the organisation's data (member or admin). */
  isMember(organisation: string | null): boolean {
    return this.viewer.admin || (organisation !== null && this.viewer.organisations.has(organisation));
  }

  /** How much of a series (or a whole station, sensor null) the viewer reads. */
  access(series: { station: string; sensor: string | null }): SeriesAccessInfo {
    const owner = seriesOwner(this.catalog, series.station, series.sensor);
    if (this.viewer.admin) return { kind: "full", owner, embargo: null };
    for (const embargo of [series.sensor === null ? undefined : this.bySensor.get(series.sensor), this.byStation.get(series.station)]) {
      if (embargo && !this.viewer.organisations.has(embargo.organisation)) return { kind: "none", owner, embargo };
    }
    if (this.isMember(owner)) return { kind: "full", owner, embargo: null };
    return { kind: this.release.publicProvisional ? "provisional" : "released", owner, embargo: null };
  }

  /** Whether a value at this approval level is released (below: provisional). */
  released(level: ApprovalLevel): boolean {
    return approvalAtLeast(level, this.release.releaseLevel);
  }

  /** Whether a viewer with `access` reads a value at `level`. */
  visible(access: SeriesAccess, level: ApprovalLevel): boolean {
    return access === "full" || access === "provisional" || (access === "released" && this.released(level));
  }

  /** Embargo state of every series, for messages: which organisation holds it back and until when. */
  embargoOf(series: SeriesKey): EmbargoInfo | undefined {
    return this.bySensor.get(series.sensor) ?? this.byStation.get(series.station);
  }
}
