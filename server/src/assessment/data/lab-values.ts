// Laboratory results as values of a series (server/src/lab/: results as they stand now). A sample's
// time is the middle of its sampling: the instant of a grab sample, the middle of a composite one
// (a 24-hour composite from 08:00 belongs to the day it mostly covers). A lab result carries no QC
// flag of ours: it counts as passed (the laboratory validated it); its "< LOQ" comes with the LOQ.
import type { LabResultInfo } from "../../../../common/lab.ts";
import { QC } from "../../../../common/reading.ts";
import type { LabQueries } from "../../lab/lab-queries.ts";
import { seriesKey, type LabRequest, type LabValue, type LabValues, type ReadOptions } from "./data-source.ts";

/** More than any assessment needs (weekly samples of 500 stations × 20 compounds over 10 years are 5.2 million). */
const LAB_READ_LIMIT = 10_000_000;

export function labValueOf(r: LabResultInfo): LabValue {
  const time = r.sample.start + Math.floor((r.sample.end - r.sample.start) / 2);
  const censored = r.qualifier !== null;
  return {
    time,
    value: censored ? null : r.value,
    qualifier: censored ? "<LOQ" : null,
    limit: censored ? r.loq : null,
    qc: QC.pass,
    basis: "lab",
    approval: "raw",
    sample: r.sample.id,
    labSampleId: r.sample.sampleId,
    laboratory: r.sample.laboratory,
  };
}

/**
 * The results of the request's stations and compounds sampled in [from, to). With `asOf`, results
 * recorded (or last revised) after it are left out and counted: the lab store answers with each
 * result's current revision, so a result revised after `asOf` is left out rather than shown as it
 * stood then — until data review reads revisions as of a time.
 */
export async function readLabValues(queries: LabQueries, request: LabRequest, options: ReadOptions): Promise<LabValues> {
  const values = new Map<string, LabValue[]>();
  const recordedAfterAsOf = new Map<string, number>();
  if (request.stations.length === 0 || request.parameters.length === 0) return { values, recordedAfterAsOf };
  const { results } = await queries.results({ ...request, limit: LAB_READ_LIMIT });
  for (const r of results) {
    const key = seriesKey(r.sample.station, r.parameter);
    if (options.asOf !== null && r.recordedAt > options.asOf) {
      recordedAfterAsOf.set(key, (recordedAfterAsOf.get(key) ?? 0) + 1);
      continue;
    }
    const v = labValueOf(r);
    if (v.time < request.from || v.time >= request.to) continue;
    const list = values.get(key) ?? [];
    list.push(v);
    values.set(key, list);
  }
  return { values, recordedAfterAsOf };
}
