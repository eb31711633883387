// Checks that span entities, beyond what each entity's schema checks: unique ids, references that
// resolve, units that convert, deployments and standard versions that do not overlap. Every problem
// names the field (path) so an admin or an import report can point at it.
import type { CatalogData } from "./catalog-model.ts";
import { unitsConvert } from "./units.ts";

export interface CatalogProblem {
  path: string;
  message: string;
}

function overlaps(a: { from: number; to: number }, b: { from: number; to: number }): boolean {
  return a.from < b.to && b.from < a.to;
}

const span = (from: string | null, to: string | null) => ({
  from: from === null ? Number.NEGATIVE_INFINITY : Date.parse(from),
  to: to === null ? Number.POSITIVE_INFINITY : Date.parse(to),
});

export function validateCatalog(data: CatalogData): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const uniqueIds = <T>(list: T[], key: (t: T) => string, path: string, what: string): Set<string> => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const id = key(item);
      if (seen.has(id)) add(`${path}[${i}]`, `duplicate ${what} ${JSON.stringify(id)}`);
      seen.add(id);
    });
    return seen;
  };
  const organisations = uniqueIds(data.organisations, (o) => o.id, "organisations", "organisation id");
  const regions = uniqueIds(data.regions, (r) => r.id, "regions", "region id");
  const rivers = uniqueIds(data.rivers, (r) => r.id, "rivers", "river id");
  const stations = uniqueIds(data.stations, (s) => s.id, "stations", "station id");
  uniqueIds(data.parameters, (p) => p.code, "parameters", "parameter code");
  uniqueIds(data.sensors, (s) => s.id, "sensors", "sensor id");
  const sources = uniqueIds(data.sources, (s) => s.id, "sources", "source id");
  const units = new Map(data.parameters.map((p) => [p.code, p.unit]));

  const ref = (set: Set<string>, id: string | null, path: string, what: string) => {
    if (id !== null && !set.has(id)) add(path, `unknown ${what} ${JSON.stringify(id)}`);
  };
  data.stations.forEach((s, i) => {
    ref(rivers, s.river, `stations[${i}].river`, "river");
    ref(regions, s.region, `stations[${i}].region`, "region");
    ref(organisations, s.operator, `stations[${i}].operator`, "organisation");
  });

  // Synonyms and CAS numbers must point at one parameter each, or lab files could not be matched.
  const names = new Map<string, string>();
  data.parameters.forEach((p, i) => {
    for (const text of [p.code, p.cas, p.name.en, p.name.de, p.name.zh, ...p.synonyms]) {
      if (!text) continue;
      const key = text.toLowerCase();
      const other = names.get(key);
      if (other !== undefined && other !== p.code) add(`parameters[${i}]`, `${JSON.stringify(text)} also names parameter ${other}`);
      names.set(key, p.code);
    }
  });

  // A station has at most one primary sensor per parameter at any time.
  const primaries = new Map<string, Array<{ from: number; to: number; sensor: string }>>();
  data.sensors.forEach((s, i) => {
    if (!units.has(s.parameter)) add(`sensors[${i}].parameter`, `unknown parameter ${JSON.stringify(s.parameter)}`);
    ref(organisations, s.owner, `sensors[${i}].owner`, "organisation");
    const placed: Array<{ from: number; to: number }> = [];
    s.deployments.forEach((d, j) => {
      const path = `sensors[${i}].deployments[${j}]`;
      ref(stations, d.station, `${path}.station`, "station");
      const period = span(d.from, d.to);
      if (placed.some((p) => overlaps(p, period))) add(path, `sensor ${s.id} cannot be at two places at once: this deployment overlaps another`);
      placed.push(period);
      if (!d.primary) return;
      const key = `${d.station}\t${s.parameter}`;
      const list = primaries.get(key) ?? [];
      const clash = list.find((p) => overlaps(p, period));
      if (clash) add(path, `${d.station} already has primary sensor ${clash.sensor} for ${s.parameter} in this period`);
      list.push({ ...period, sensor: s.id });
      primaries.set(key, list);
    });
    const versions = new Set<number>();
    s.calibrations.forEach((c, j) => {
      if (versions.has(c.version)) add(`sensors[${i}].calibrations[${j}].version`, `duplicate calibration version ${c.version}`);
      versions.add(c.version);
    });
  });

  const versions = new Map<string, Array<{ from: number; to: number }>>();
  data.standards.forEach((s, i) => {
    const path = `standards[${i}]`;
    const unit = units.get(s.parameter);
    if (unit === undefined) add(`${path}.parameter`, `unknown parameter ${JSON.stringify(s.parameter)}`);
    else if (!unitsConvert(s.unit, unit)) add(`${path}.unit`, `unit ${s.unit} does not convert to ${s.parameter}'s unit ${unit}`);
    ref(sources, s.source, `${path}.source`, "source");
    if (s.scope.kind === "stations") s.scope.ids.forEach((id, j) => ref(stations, id, `${path}.scope.ids[${j}]`, "station"));
    if (s.scope.kind === "regions") s.scope.ids.forEach((id, j) => ref(regions, id, `${path}.scope.ids[${j}]`, "region"));
    if (s.scope.kind === "rivers") s.scope.ids.forEach((id, j) => ref(rivers, id, `${path}.scope.ids[${j}]`, "river"));
    const period = span(s.validFrom, s.validTo);
    const list = versions.get(s.id) ?? [];
    if (list.some((p) => overlaps(p, period))) add(path, `standard ${s.id} has another version valid in the same period; end the old one first (validTo)`);
    list.push(period);
    versions.set(s.id, list);
  });
  return problems;
}
