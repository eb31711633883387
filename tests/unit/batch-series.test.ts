// The per-batch grouping the ingest listeners share (ingest/batch-series.ts), and the rollup
// scheduler's dirty marks made from it (query/written-hours.ts): the same answers the listeners got
// reading by reading, with less work.
import { describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { seriesOfBatch } from "../../server/src/ingest/batch-series.ts";
import { markWrittenHours } from "../../server/src/query/written-hours.ts";
import { hourFloor, seriesKey } from "../../server/src/query/rollup-completeness.ts";
import { LatestReadings } from "../../server/src/query/latest-readings.ts";
import { testReading } from "../helpers/catalog.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 1);
const ZEHREN = "DE-ELBE-ZEHREN";
const BADDUEBEN = "DE-MULDE-BADDUEBEN";
const r = (station: string, parameter: string, time: number, value = 1, sensor?: string): Reading => testReading({ station, parameter, time, value, ...(sensor && { sensor }) });

const BATCHES: Array<[string, Reading[]]> = [
  ["one series in time order", [0, 1, 2, 3].map((i) => r(ZEHREN, "ph", T0 + i * 20 * MIN))],
  ["series taking turns, one reading each", [0, 1, 2, 3, 4, 5].map((i) => r(i % 2 ? ZEHREN : BADDUEBEN, i % 3 ? "ph" : "nitrate", T0 + Math.floor(i / 2) * 40 * MIN))],
  ["two sensors of one compound", [r(ZEHREN, "carbamazepine", T0, 1, "A"), r(ZEHREN, "carbamazepine", T0, 2, "B"), r(ZEHREN, "carbamazepine", T0 + HOUR, 3, "A")]],
  ["out of time order, with equal times (the later one wins)", [r(ZEHREN, "ph", T0 + 2 * HOUR, 1), r(ZEHREN, "ph", T0, 2), r(ZEHREN, "ph", T0 + 2 * HOUR, 3), r(ZEHREN, "ph", T0 + HOUR, 4)]],
  ["empty", []],
];

/** What a listener found reading by reading: each series' newest reading (ties: the later), and span. */
function oneByOne(readings: readonly Reading[]) {
  const out = new Map<string, { newest: Reading; from: number; to: number }>();
  for (const x of readings) {
    const key = seriesKey(x.station, x.parameter, x.sensor);
    const s = out.get(key);
    if (!s) out.set(key, { newest: x, from: x.time, to: x.time });
    else {
      if (x.time >= s.newest.time) s.newest = x;
      s.from = Math.min(s.from, x.time);
      s.to = Math.max(s.to, x.time);
    }
  }
  return out;
}

describe("the series of a batch", () => {
  it.each(BATCHES)("%s: each series' newest reading, span and readings", (_name, readings) => {
    const batch = seriesOfBatch(readings);
    const expected = oneByOne(readings);
    expect(new Map(batch.series.map((s) => [seriesKey(s.station, s.parameter, s.sensor), { newest: s.newest, from: s.from, to: s.to }]))).toEqual(expected);
    expect(batch.series.map((s) => seriesKey(s.station, s.parameter, s.sensor))).toEqual([...expected.keys()]);
    readings.forEach((x, i) => expect(batch.series[batch.indexOf[i]!]).toMatchObject({ station: x.station, parameter: x.parameter, sensor: x.sensor }));
    // Found once per array, whoever asks.
    expect(seriesOfBatch(readings)).toBe(batch);
  });

  it.each(BATCHES)("%s: /latest keeps what offering every reading kept", async (_name, readings) => {
    const latest = new LatestReadings(async () => [r(ZEHREN, "ph", T0 + HOUR, 9)]);
    latest.accepted(readings);
    // The stored newest readings are loaded when first asked for, after the batch: offered after it.
    const newest = [...oneByOne([...readings, r(ZEHREN, "ph", T0 + HOUR, 9)]).values()].map((s) => s.newest);
    expect((await latest.of()).sort((a, b) => a.sensor.localeCompare(b.sensor) || a.parameter.localeCompare(b.parameter) || a.station.localeCompare(b.station))).toEqual(
      newest.sort((a, b) => a.sensor.localeCompare(b.sensor) || a.parameter.localeCompare(b.parameter) || a.station.localeCompare(b.station)),
    );
  });
});

describe("the hours a written batch marks dirty", () => {
  it.each(BATCHES)("%s: the hours of the late readings, each run of a series within an hour once", (_name, readings) => {
    const lateBefore = T0 + 2 * HOUR; // readings from then on are recent: no mark
    const marks: string[] = [];
    const late = markWrittenHours(readings, lateBefore, (key, hour) => marks.push(`${key}@${(hour - T0) / HOUR}`));
    // Reading by reading: every late reading's series and hour, repeats of the series' previous hour left out.
    const expected: string[] = [];
    const previous = new Map<string, number>();
    for (const x of readings) {
      if (x.time >= lateBefore) continue;
      const key = seriesKey(x.station, x.parameter, x.sensor);
      if (previous.get(key) === hourFloor(x.time)) continue;
      previous.set(key, hourFloor(x.time));
      expected.push(`${key}@${(hourFloor(x.time) - T0) / HOUR}`);
    }
    expect(marks).toEqual(expected);
    expect(late).toBe(readings.some((x) => x.time < lateBefore));
  });

  it("a 5,000-reading backfill of one series over 35 days marks each of its ~840 hours once", () => {
    const readings = Array.from({ length: 5_000 }, (_, i) => r(ZEHREN, "ph", T0 + i * 10 * MIN));
    const marks: number[] = [];
    markWrittenHours(readings, Infinity, (_key, hour) => marks.push(hour));
    expect(marks).toHaveLength(Math.ceil(5_000 / 6));
    expect(new Set(marks).size).toBe(marks.length);
  });
});
