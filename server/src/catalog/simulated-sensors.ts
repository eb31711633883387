// The sensors a new simulated station gets when the admin names the parameters it should measure:
// one simulated primary sensor per parameter, installed from `from`, like the shipped catalog's
// SIM-<station>-<PARAMETER> sensors. Limits and ranges are copied from a simulated sensor of the same
// parameter already in the catalog; a parameter without one gets ranges from its typical values.
import type { Parameter, Sensor, Station } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";

export const SIMULATOR_MAKE = "Water Monitor simulator";

export function simulatedSensorId(station: string, parameter: string): string {
  return `SIM-${station}-${parameter.toUpperCase().replace(/_/g, "-")}`;
}

export function simulatedSensor(catalog: CatalogSnapshot, station: Pick<Station, "id" | "operator">, parameter: Parameter, from: string): Sensor {
  const template = catalog.sensors.find((s) => s.parameter === parameter.code && s.make === SIMULATOR_MAKE);
  const [low, high] = parameter.typical;
  const id = simulatedSensorId(station.id, parameter.code);
  return {
    id,
    parameter: parameter.code,
    make: SIMULATOR_MAKE,
    model: template?.model ?? "simulated online sensor",
    serial: id,
    method: template?.method ?? "simulated online measurement",
    owner: station.operator,
    lod: template?.lod ?? null,
    loq: template?.loq ?? null,
    uncertainty: template?.uncertainty ?? null,
    sensorRange: template?.sensorRange ?? [Math.min(0, low), Math.max(high * 100, 1)],
    expectedRange: template?.expectedRange ?? [Math.min(0, low), high * 20],
    intervalSeconds: template?.intervalSeconds ?? 600,
    deployments: [{ station: station.id, from, to: null, primary: true }],
    calibrations: [],
  };
}
