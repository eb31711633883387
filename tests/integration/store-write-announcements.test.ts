// The store tells its write listeners (/latest, rollup marks) about each batch when the write starts
// and when it ends. /latest (query/latest-readings.ts) takes a batch once, recognising the second
// announcement by the array: both must pass the same array, also when ingest hands the batch over
// as a function that builds the readings (ingest/queued-readings.ts).
import { describe, expect, inject, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { InfluxReadingStore, type ReadingsToWrite } from "../../server/src/influx/store.ts";
import { testReading } from "../helpers/catalog.ts";
import { testLogger, uniqueDatabase } from "../helpers/test-system.ts";

const T0 = Date.UTC(2026, 0, 1);

describe("InfluxReadingStore write announcements", () => {
  const readings = [0, 1, 2].map((i) => testReading({ station: "DE-ELBE-ZEHREN", parameter: "ph", time: T0 + i * 60_000, value: 7 + i / 10 }));

  it.each<[string, () => ReadingsToWrite]>([
    ["an array", () => readings],
    ["a function", () => () => readings.map((r) => ({ ...r }))],
  ])("announces a batch given as %s twice as the same array, built once", async (_name, batch) => {
    const store = new InfluxReadingStore({ url: inject("influxUrl"), database: uniqueDatabase(), logger: testLogger });
    const announced: (readonly Reading[])[] = [];
    store.onWrite((list) => announced.push(list));
    let builds = 0;
    const given = batch();
    const counted: ReadingsToWrite = typeof given === "function" ? () => (builds++, given()) : given;
    await store.writeReadings(counted);
    expect(announced).toHaveLength(2);
    expect(announced[1]).toBe(announced[0]);
    expect(announced[0]!.map((r) => r.value)).toEqual([7, 7.1, 7.2]);
    if (typeof given === "function") expect(builds).toBe(1);
  });
});
