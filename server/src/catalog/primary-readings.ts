// Until alert rules work per sensor, the alert engine judges each station's primary sensors only:
// a second sensor of the same compound (a prototype under test) would otherwise interleave its
// readings with the primary's in one alert series, mixing its bias into means and its values into
// flat-line and fault detection.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { Reading } from "../../../common/reading.ts";

/** The readings measured by the station's primary sensor at their time; the same array when all are. */
export function primaryReadings(catalog: CatalogSnapshot, readings: readonly Reading[]): readonly Reading[] {
  let out: Reading[] | undefined;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const primary = catalog.primarySensor(r.station, r.parameter, r.time)?.id === r.sensor;
    if (primary) out?.push(r);
    else out ??= readings.slice(0, i);
  }
  return out ?? readings;
}
