// The benchmarks' large network: the shipped catalog grown to 500 stations × 40 parameters (20,000
// series), shared by the catalog-scale and scale benchmarks, with readings cycling over every series.
import type { CatalogData, Parameter, Sensor, Station } from "../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { seedCatalogData } from "../../server/src/catalog/seed.ts";
import { QcEngine } from "../../server/src/ingest/qc/qc-engine.ts";
import { checkReading, type ReadingCandidate } from "../../server/src/ingest/reading-check.ts";

export const STATIONS = 500;
export const PARAMETERS = 40;

/** The shipped catalog grown to 500 stations × 40 parameters, one primary sensor per series. */
export function largeCatalog(stations = STATIONS, parameters = PARAMETERS): CatalogData {
  const seed = seedCatalogData();
  const extra: Parameter[] = Array.from({ length: Math.max(0, parameters - seed.parameters.length) }, (_, i) => ({
    code: `bench_compound_${i + 1}`,
    name: { en: `Benchmark compound ${i + 1}`, de: `Benchmark-Stoff ${i + 1}`, zh: `基准化合物 ${i + 1}` },
    cas: null,
    synonyms: [],
    group: "organic",
    unit: "ng/L",
    typical: [5, 200],
  }));
  const allParameters = [...seed.parameters, ...extra].slice(0, parameters);
  const list: Station[] = Array.from({ length: stations }, (_, i) => {
    const template = seed.stations[i % seed.stations.length]!;
    const id = `BENCH-${String(i + 1).padStart(4, "0")}`;
    return {
      ...template,
      id,
      name: { en: `${template.name.en} #${i + 1}`, de: `${template.name.de ?? template.name.en} #${i + 1}`, zh: `${template.name.zh ?? template.name.en} 第${i + 1}号` },
      riverKm: template.riverKm === null ? null : template.riverKm + i,
      lat: template.lat + (i % 20) * 0.01,
      lon: template.lon + Math.floor(i / 20) * 0.01,
      simulated: false,
    };
  });
  const template = (code: string): Sensor | undefined => seed.sensors.find((s) => s.parameter === code);
  const sensors: Sensor[] = list.flatMap((s) =>
    allParameters.map((p) => {
      const like = template(p.code);
      const id = `${s.id}-${p.code.toUpperCase().replace(/_/g, "-")}`;
      return {
        id,
        parameter: p.code,
        make: "Benchmark",
        model: "online sensor",
        serial: id,
        method: "online measurement",
        owner: s.operator,
        lod: like?.lod ?? null,
        loq: like?.loq ?? null,
        uncertainty: null,
        sensorRange: like?.sensorRange ?? [0, 1e9],
        expectedRange: like?.expectedRange ?? [0, 5000],
        intervalSeconds: 600,
        deployments: [{ station: s.id, from: "2024-01-01", to: null, primary: true }],
        calibrations: [],
      };
    }),
  );
  return { ...seed, stations: list, parameters: allParameters, sensors };
}

/** QC after `cycles` readings of every series: each series' history as full as in a running network. */
export function warmQc(catalog: CatalogSnapshot, start: number, now: number, cycles = 13): QcEngine {
  const qc = new QcEngine(() => now);
  const series = catalog.stations.flatMap((s) => catalog.parametersOf(s.id).length);
  const total = series.reduce((a, b) => a + b, 0);
  for (const c of candidates(catalog, total * cycles, start)) {
    const checked = checkReading(c, catalog, now);
    if (typeof checked !== "string") qc.evaluate(checked.reading, checked.sensor);
  }
  return qc;
}

/** Candidates cycling over every series of the catalog, 10 minutes apart per cycle. */
export function candidates(catalog: CatalogSnapshot, count: number, start: number): ReadingCandidate[] {
  const series = catalog.stations.flatMap((s) => catalog.parametersOf(s.id).map((p) => [s.id, p.code] as const));
  return Array.from({ length: count }, (_, i) => {
    const [station, parameter] = series[i % series.length]!;
    return {
      station,
      parameter,
      sensor: undefined,
      time: start + Math.floor(i / series.length) * 600_000,
      value: 100 + (i % 97) * 0.5,
      qualifier: null,
      limit: null,
      uncertainty: null,
      rawSignal: null,
      calibration: null,
    };
  });
}

