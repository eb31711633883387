// Test helpers for the catalog admin API: a station and a parameter as an admin would enter them,
// and a JSON call with an admin's credentials.
import type { Parameter, Station } from "../../common/catalog-model.ts";

export interface ApiAnswer {
  status: number;
  body: any;
}

export async function call(base: { url: string }, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${base.url}${path}`, {
    method,
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: parseOrText(text) };
}

/** The answer as JSON, or its text when it is not JSON (an error page). */
function parseOrText(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A new station on the Elbe in Saxony (test data, names in all three languages). */
export function newStation(over: Partial<Station> = {}): Station {
  return {
    id: "TEST-ELBE-NEW",
    name: { en: "New test station (Elbe)", de: "Neue Teststation (Elbe)", zh: "新测试站（易北河）" },
    river: "elbe",
    riverKm: 120.5,
    region: "saxony",
    lat: 51.3,
    lon: 13.2,
    timezone: "Europe/Berlin",
    operator: "BFUL",
    identifiers: { state: "OBF-TEST-1" },
    targetClass: null,
    status: "active",
    simulated: false,
    ...over,
  };
}

/** Gabapentin (CAS 60142-96-3), an anticonvulsant found in treated wastewater. */
export function newParameter(over: Partial<Parameter> = {}): Parameter {
  return {
    code: "gabapentin",
    name: { en: "Gabapentin", de: "Gabapentin", zh: "加巴喷丁" },
    cas: "60142-96-3",
    synonyms: ["GBP"],
    group: "pharmaceutical",
    class: "anticonvulsant",
    unit: "ng/L",
    typical: [10, 500],
    ...over,
  };
}

/** A sensor of `parameter` installed at `station` from `from`, the station's primary one. */
export function newSensor(id: string, parameter: string, station: string, from: string) {
  return {
    id,
    parameter,
    make: "Test make",
    model: "Test model",
    serial: `${id}-1`,
    method: "LC-MS/MS (online)",
    owner: "BFUL",
    lod: 2,
    loq: 6,
    uncertainty: { relativePercent: 30 },
    sensorRange: [0, 100_000] as [number, number],
    expectedRange: [0, 5_000] as [number, number],
    intervalSeconds: 600,
    deployments: [{ station, from, to: null, primary: true }],
    calibrations: [],
  };
}
