// A year of 10-minute readings for assessment tests and the benchmark, and an independent
// computation of what an assessment must find in them: InfluxDB's own rows, day by day with plain
// arithmetic (no function of the assessment engine, nor common/statistics), so a test compares the
// engine with a second reading of the same data.
import { DateTime } from "luxon";
import { QC, type QcFlag, type Reading } from "../../common/reading.ts";

export const TEN_MINUTES = 600_000;

/** What a reading at step `i` (time `t`) holds: a value, or "< LOD"/"< LOQ" with its limit; and its QC flag. */
export type ReadingSpec = { value: number; qc?: QcFlag } | { lod: number; qc?: QcFlag } | { loq: number; qc?: QcFlag };

/** 10-minute readings over the local calendar year in `zone`. */
export function yearOfReadings(
  series: { station: string; parameter: string; sensor: string },
  year: number,
  zone: string,
  spec: (i: number, t: number) => ReadingSpec,
): Reading[] {
  const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toMillis();
  const to = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone }).toMillis();
  const out: Reading[] = [];
  for (let t = from, i = 0; t < to; t += TEN_MINUTES, i++) {
    const s = spec(i, t);
    const censored = "lod" in s ? { qualifier: "<LOD" as const, limit: s.lod } : "loq" in s ? { qualifier: "<LOQ" as const, limit: s.loq } : null;
    out.push({
      ...series,
      time: t,
      value: censored ? null : (s as { value: number }).value,
      qualifier: censored?.qualifier ?? null,
      limit: censored?.limit ?? null,
      uncertainty: null,
      rawSignal: null,
      calibration: null,
      qc: s.qc ?? QC.pass,
    });
  }
  return out;
}

export interface InfluxRow {
  time: number;
  value: number | null;
  lod: number | null;
  loq: number | null;
  qc: number;
}

/** The stored readings of a series, straight from InfluxDB's HTTP API. */
async function selectRows(influxUrl: string, database: string, station: string, parameter: string, from: number, to: number): Promise<InfluxRow[]> {
  const q = `SELECT "value", "lod", "loq", "qc" FROM "raw"."reading" WHERE "station" = '${station}' AND "parameter" = '${parameter}' AND time >= ${from}ms AND time < ${to}ms`;
  const res = await fetch(`${influxUrl}/query?db=${database}&epoch=ms&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
  return (body.results[0]?.series?.[0]?.values ?? []).map((v) => ({ time: v[0] as number, value: v[1] as number | null, lod: v[2] as number | null, loq: v[3] as number | null, qc: v[4] as number }));
}

/**
 * The series' rows in [from, to) as InfluxDB answers them. With `written` (the readings the test
 * wrote there): waits until InfluxDB answers every one of them (up to 30 s), and fails naming the
 * missing stretches and the database's shards if it never does. (Twice, on the influxd the whole
 * `npm test` shares, a shard group of acknowledged writes was missing for good: the tests that
 * write a year use an influxd of their own since.)
 */
export async function influxRows(
  influxUrl: string,
  database: string,
  station: string,
  parameter: string,
  from: number,
  to: number,
  written?: readonly { time: number }[],
): Promise<InfluxRow[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await selectRows(influxUrl, database, station, parameter, from, to);
    if (written === undefined || rows.length >= written.length) return rows;
    if (Date.now() > deadline) {
      const have = new Set(rows.map((r) => r.time));
      const missing = written.filter((r) => !have.has(r.time)).map((r) => r.time);
      const stretches: string[] = [];
      for (let i = 0; i < missing.length; ) {
        let j = i;
        while (j + 1 < missing.length && missing[j + 1]! - missing[j]! <= 3_600_000) j++;
        stretches.push(`${new Date(missing[i]!).toISOString()}..${new Date(missing[j]!).toISOString()} (${j - i + 1})`);
        i = j + 1;
      }
      // What InfluxDB itself says of the database's shards, for whoever reads the failure.
      const shards = await fetch(`${influxUrl}/query?q=${encodeURIComponent("SHOW SHARDS")}`).then((r) => r.text());
      const ours = shards.match(new RegExp(`\\{"name":"${database}".*?\\]\\]\\}`))?.[0] ?? shards;
      throw new Error(`InfluxDB answers ${rows.length} of the ${written.length} written rows; missing: ${stretches.join(", ")}; SHOW SHARDS: ${ours}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A day's value as the assessment must count it: its mean, or half the limit when the mean is below it. */
export interface ReferenceDay {
  day: string;
  /** The number it counts as in an annual mean. */
  counted: number;
  /** The day's mean lay below the highest limit of its censored readings ("< LOQ"/"< LOD"). */
  censored: boolean;
  limit: number | null;
}

/**
 * Directive 2009/90/EC Art. 5 by hand: QC-passed readings only; a censored reading counts as half
 * its limit; a day whose mean lies below the highest limit among its censored readings is itself
 * "< limit" and counts as half that limit.
 */
export function referenceDays(rows: readonly InfluxRow[], zone: string): ReferenceDay[] {
  const days = new Map<string, { sum: number; n: number; maxLimit: number | null }>();
  for (const r of rows) {
    if (r.qc !== 1) continue;
    const day = DateTime.fromMillis(r.time, { zone }).toISODate()!;
    const d = days.get(day) ?? { sum: 0, n: 0, maxLimit: null };
    const limit = r.value === null ? (r.lod ?? r.loq) : null;
    d.sum += r.value ?? limit! / 2;
    d.n += 1;
    if (limit !== null && (d.maxLimit === null || limit > d.maxLimit)) d.maxLimit = limit;
    days.set(day, d);
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, d]) => {
      const mean = d.sum / d.n;
      const censored = d.maxLimit !== null && mean < d.maxLimit;
      return { day, counted: censored ? d.maxLimit! / 2 : mean, censored, limit: censored ? d.maxLimit : null };
    });
}

export const meanOfDays = (days: readonly ReferenceDay[]): number => days.reduce((s, d) => s + d.counted, 0) / days.length;
export const maxOfDays = (days: readonly ReferenceDay[]): number => Math.max(...days.filter((d) => !d.censored).map((d) => d.counted));
/** Distinct months (YYYY-MM) with at least one day. */
export const monthsOf = (days: readonly ReferenceDay[]): number => new Set(days.map((d) => d.day.slice(0, 7))).size;
