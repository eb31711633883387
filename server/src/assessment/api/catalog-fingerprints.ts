// What of the catalog a series' assessment depends on, as short fingerprints, so that the cache keys
// on them instead of the catalog's version: an admin editing one station or one standard then
// recomputes the series it touches and nothing else.
// - a station's: the station (zone, target class, river), its region (the country a standard's scope
//   may name) and every sensor deployed there (primary sensors per day decide the daily means);
// - a parameter's: the parameter (unit) and every version of its standards;
// - the discharge parameter's (loads).
import { createHash } from "node:crypto";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";

const hash = (value: unknown): string => createHash("sha1").update(JSON.stringify(value)).digest("base64url").slice(0, 16);

interface Prints {
  stations: Map<string, string>;
  parameters: Map<string, string>;
}

export class CatalogFingerprints {
  private readonly memo = new WeakMap<CatalogSnapshot, Prints>();

  private prints(catalog: CatalogSnapshot): Prints {
    let p = this.memo.get(catalog);
    if (!p) {
      p = { stations: new Map(), parameters: new Map() };
      this.memo.set(catalog, p);
    }
    return p;
  }

  station(catalog: CatalogSnapshot, id: string): string {
    const p = this.prints(catalog);
    let fp = p.stations.get(id);
    if (fp === undefined) {
      const station = catalog.station(id);
      fp = hash([station, station ? catalog.region(station.region) : null, catalog.sensorsOf(id)]);
      p.stations.set(id, fp);
    }
    return fp;
  }

  parameter(catalog: CatalogSnapshot, code: string): string {
    const p = this.prints(catalog);
    let fp = p.parameters.get(code);
    if (fp === undefined) {
      fp = hash([catalog.parameter(code), catalog.standardsOf(code)]);
      p.parameters.set(code, fp);
    }
    return fp;
  }
}
