import { describe, expect, it } from "vitest";
import { QC, QUALIFIER, type Reading } from "../../common/reading.ts";
import { QueuedReadings } from "../../server/src/ingest/queued-readings.ts";

const base: Reading = { station: "S1", parameter: "ph", sensor: "PH-1", time: 1_764_000_000_000, value: 7.2, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: QC.notEvaluated };

const readings: Reading[] = [
  base,
  { ...base, value: -0, qc: QC.pass },
  { ...base, value: null, qualifier: QUALIFIER.belowLod, limit: 5, qc: QC.suspect },
  { ...base, value: null, qualifier: QUALIFIER.belowLoq, limit: 16.7, uncertainty: 0 },
  { ...base, sensor: "", uncertainty: 0.25, rawSignal: -12.5, calibration: 3, qc: QC.fail },
  { ...base, value: 1e-300, maintenance: true, qc: QC.fail },
  { ...base, station: "S2", time: 0, value: Number.MAX_VALUE },
];

describe("the writer queue's columns", () => {
  it("gives every reading back exactly as it was enqueued, across chunks and partial takes", () => {
    const queue = new QueuedReadings();
    queue.push(readings.slice(0, 3), 7);
    queue.push([], 8);
    queue.push(readings.slice(3), 9);
    expect(queue.length).toBe(readings.length);
    const first = queue.take(2);
    const second = queue.take(4);
    const rest = queue.take(100);
    expect(queue.length).toBe(0);
    expect([first.count, second.count, rest.count]).toEqual([2, 4, 1]);
    expect([...first.readings(), ...second.readings(), ...rest.readings()]).toStrictEqual(readings);
    expect(Object.is(first.readings()[1]!.value, -0)).toBe(true);
    expect([...first.segments, ...second.segments, ...rest.segments]).toEqual([7, 7, 7, 9, 9, 9, 9]);
    // Made anew on each call: nothing per reading is kept between calls.
    expect(second.readings()[0]).not.toBe(second.readings()[0]);
  });

  it("puts a batch back at the front with its segments", () => {
    const queue = new QueuedReadings();
    queue.push(readings.slice(0, 4), 1);
    queue.push(readings.slice(4), 2);
    const taken = queue.take(5);
    queue.unshift(taken.readings(), taken.segments);
    const again = queue.take(100);
    expect(again.readings()).toStrictEqual(readings);
    expect(again.segments).toEqual([1, 1, 1, 1, 2, 2, 2]);
  });
});
