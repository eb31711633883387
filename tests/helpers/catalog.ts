// The shipped catalog for tests, variants of it, and readings with every field set.
import type { AlertInfo } from "../../common/alerts.ts";
import type { CatalogData } from "../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { QC, type Reading } from "../../common/reading.ts";
import { StaticCatalogSource } from "../../server/src/catalog/catalog-source.ts";
import { parseCatalog, seedCatalog, seedCatalogData } from "../../server/src/catalog/seed.ts";

/** The shipped catalog (server/src/catalog/seed-catalog.json), version 1. */
export const seed: CatalogSnapshot = seedCatalog();

/** The shipped catalog changed by `change`, checked like any catalog (throws naming the problem). */
export function catalogWith(change: (data: CatalogData) => void, version = 2): CatalogSnapshot {
  const data = seedCatalogData();
  change(data);
  return new CatalogSnapshot(parseCatalog(data, "test catalog"), version);
}

export function catalogSource(snapshot: CatalogSnapshot = seed): StaticCatalogSource {
  return new StaticCatalogSource(snapshot);
}

/** The shipped catalog's primary sensor of a station × parameter (the simulator's SIM-… sensors). */
export function primarySensorId(station: string, parameter: string, catalog: CatalogSnapshot = seed): string {
  const sensor = catalog.primarySensor(station, parameter, Date.now());
  if (!sensor) throw new Error(`no primary ${parameter} sensor at ${station}`);
  return sensor.id;
}

/** A reading with every field; sensor: the station's primary sensor for the parameter (or "S" for unknown stations). */
export function testReading(over: Partial<Reading> & Pick<Reading, "station" | "parameter" | "time">): Reading {
  const sensor = over.sensor ?? seed.primarySensor(over.station, over.parameter, over.time)?.id ?? `${over.station}-${over.parameter}`;
  return {
    value: null,
    qualifier: null,
    limit: null,
    uncertainty: null,
    rawSignal: null,
    calibration: null,
    qc: QC.pass,
    ...over,
    sensor,
  };
}

/** An alert as the API returns it, for client tests: a firing single-value alert unless `over` says otherwise. */
export function testAlert(over: Partial<AlertInfo> = {}): AlertInfo {
  return {
    id: 1, ruleId: 1, ruleName: "rule", kind: "max", category: "contamination", severity: "warning", station: "DE-ELBE-ZEHREN", stationName: "Zehren",
    parameter: "carbamazepine", sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", labSample: null, value: 250, valueKind: "single", meanWindowMs: null, meanCount: null, unit: "ng/L",
    threshold: 200, standard: null, breaches: [], silencedBy: null, state: "firing", startedAt: Date.UTC(2026, 10, 25, 9), resolvedAt: null, ack: null, link: "", message: "", ...over,
  };
}
