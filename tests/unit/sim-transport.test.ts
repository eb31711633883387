// The simulator's wire formats and its buffering uplink, against in-memory sinks and a virtual clock.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Clock } from "../../sensors-sim/src/clock.ts";
import { parseDuration } from "../../sensors-sim/src/duration.ts";
import type { SimReading } from "../../sensors-sim/src/reading-generator.ts";
import { toIngestReading } from "../../sensors-sim/src/transport/http-json-sink.ts";
import { toLine } from "../../sensors-sim/src/transport/line-protocol-sink.ts";
import { ReadingQueue } from "../../sensors-sim/src/transport/reading-queue.ts";
import { parseRetryAfter, type ReadingSink, type SendOutcome } from "../../sensors-sim/src/transport/sink.ts";
import { Uplink } from "../../sensors-sim/src/transport/uplink.ts";

const silent = pino({ level: "silent" });

function reading(i: number, value: number | null = i): SimReading {
  return {
    station: "DE-ELBE-ZEHREN",
    parameter: "carbamazepine",
    sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE",
    time: 1_780_000_000_000 + i * 600_000,
    gridTime: 1_780_000_000_000 + i * 600_000,
    value,
    lod: value === null ? 5 : null,
    rawSignal: null,
    calibration: null,
    truth: 1,
    faults: [],
  };
}

/** Virtual time: sleeping advances it at once and records how long was asked for. */
function virtualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
}

/** A sink that answers from a script, then accepts; records every batch. */
function scriptedSink(script: SendOutcome[]): ReadingSink & { batches: SimReading[][] } {
  const batches: SimReading[][] = [];
  return {
    name: "scripted",
    batches,
    send: async (batch) => {
      batches.push([...batch]);
      return script.shift() ?? { kind: "accepted", count: batch.length, flagged: { suspect: 0, fail: 0 } };
    },
  };
}

const options = { maxBuffered: 1_000, batchSize: 100, retryBaseMs: 100, retryMaxMs: 1_000 };

describe("wire formats", () => {
  it("writes JSON ingest readings with a value, or belowLod with the limit (never 0)", () => {
    const ids = { station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE" };
    expect(toIngestReading(reading(1, 12.5))).toEqual({ ...ids, time: reading(1).time, value: 12.5 });
    expect(toIngestReading(reading(1, null))).toEqual({ ...ids, time: reading(1).time, belowLod: { lod: 5 } });
    expect(toIngestReading({ ...reading(1, 12.5), rawSignal: 11.25, calibration: 1 })).toEqual({ ...ids, time: reading(1).time, value: 12.5, raw: { signal: 11.25, calibration: 1 } });
  });

  it("writes line protocol with millisecond timestamps, escaping tags", () => {
    const series = "reading,station=DE-ELBE-ZEHREN,parameter=carbamazepine,sensor=SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE";
    expect(toLine(reading(0, 12.5))).toBe(`${series} value=12.5 1780000000000`);
    expect(toLine(reading(0, null))).toBe(`${series} lod=5,qualifier="<LOD" 1780000000000`);
    expect(toLine({ ...reading(0, 12.5), rawSignal: 11.25, calibration: 1 })).toBe(`${series} value=12.5,raw=11.25,calibration=1i 1780000000000`);
    expect(toLine({ ...reading(0, 1), station: "a b,c=d" })).toContain("station=a\\ b\\,c\\=d,");
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3", 0)).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });

  it("parses durations as operators write them", () => {
    expect(parseDuration("10m")).toBe(600_000);
    expect(parseDuration("30d")).toBe(30 * 86_400_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(() => parseDuration("5x")).toThrow(/not a duration/);
  });
});

describe("reading queue", () => {
  it("takes from the front, drops the oldest, and puts split batches back in front", () => {
    const q = new ReadingQueue();
    q.push([0, 1, 2].map((i) => reading(i)));
    q.push([3, 4].map((i) => reading(i)));
    expect(q.take(2).map((r) => r.value)).toEqual([0, 1]);
    expect(q.dropOldest(2)).toBe(2);
    q.unshift([reading(9)]);
    expect(q.size).toBe(2);
    expect(q.take(10).map((r) => r.value)).toEqual([9, 4]);
    expect(q.dropOldest(1)).toBe(0);
  });
});

describe("uplink", () => {
  it("on a 400 naming invalid readings, counts only those as rejected and resends the rest", async () => {
    const sink = scriptedSink([
      { kind: "rejected", status: 400, code: "validation_failed", message: "2 of 10 rejected", invalidIndices: [3, 7] },
    ]);
    const uplink = new Uplink(sink, options, virtualClock(), silent);
    uplink.enqueue(Array.from({ length: 10 }, (_, i) => reading(i)));
    await uplink.whenBufferedAtMost(0);
    await uplink.close();
    expect(sink.batches[1]!.map((r) => r.value)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
    expect(uplink.snapshot()).toMatchObject({ sent: 8, rejected: 2 });
  });

  it("retries 503 after Retry-After and other failures with exponential backoff, losing nothing", async () => {
    const clock = virtualClock();
    const sink = scriptedSink([
      { kind: "retry", reason: "ECONNREFUSED", retryAfterMs: undefined },
      { kind: "retry", reason: "ECONNREFUSED", retryAfterMs: undefined },
      { kind: "retry", reason: "HTTP 503", retryAfterMs: 7_000 },
      { kind: "retry", reason: "ECONNREFUSED", retryAfterMs: undefined },
    ]);
    const uplink = new Uplink(sink, options, clock, silent);
    uplink.enqueue(Array.from({ length: 150 }, (_, i) => reading(i)));
    await uplink.whenBufferedAtMost(0);
    await uplink.close();
    expect(clock.slept.slice(0, 4)).toEqual([100, 200, 7_000, 800]);
    const stats = uplink.snapshot();
    expect(stats).toMatchObject({ sent: 150, retried: 400, buffered: 0, dropped: 0, rejected: 0, failedRequests: 4 });
    const delivered = sink.batches.slice(4).flat().map((r) => r.value);
    expect(delivered).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it("caps backoff at retryMax", async () => {
    const clock = virtualClock();
    const sink = scriptedSink(Array.from({ length: 8 }, () => ({ kind: "retry" as const, reason: "down", retryAfterMs: undefined })));
    const uplink = new Uplink(sink, options, clock, silent);
    uplink.enqueue([reading(1)]);
    await uplink.whenBufferedAtMost(0);
    await uplink.close();
    expect(clock.slept.slice(0, 8)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]);
  });

  it("drops the oldest readings when the buffer is full, keeping the batch in flight", async () => {
    const clock = virtualClock();
    let down = true;
    const sink: ReadingSink & { got: SimReading[] } = {
      name: "gate",
      got: [],
      send: async (batch) => {
        if (down) return { kind: "retry", reason: "down", retryAfterMs: 50 };
        sink.got.push(...batch);
        return { kind: "accepted", count: batch.length, flagged: { suspect: 0, fail: 0 } };
      },
    };
    const uplink = new Uplink(sink, { ...options, maxBuffered: 300 }, clock, silent);
    uplink.enqueue(Array.from({ length: 100 }, (_, i) => reading(i)));
    await new Promise((r) => setImmediate(r)); // first batch (0–99) is now in flight
    uplink.enqueue(Array.from({ length: 400 }, (_, i) => reading(100 + i)));
    expect(uplink.snapshot()).toMatchObject({ buffered: 300, dropped: 200 });
    down = false;
    await uplink.whenBufferedAtMost(0);
    await uplink.close();
    const values = sink.got.map((r) => r.value);
    expect(values).toEqual([...Array.from({ length: 100 }, (_, i) => i), ...Array.from({ length: 200 }, (_, i) => 300 + i)]);
  });

  it("counts 4xx as rejected without retrying, and halves batches on 413", async () => {
    const clock = virtualClock();
    const sink = scriptedSink([
      { kind: "rejected", status: 400, code: "validation_failed", message: "bad" },
      { kind: "tooLarge", message: "too large" },
    ]);
    const uplink = new Uplink(sink, options, clock, silent);
    uplink.enqueue(Array.from({ length: 300 }, (_, i) => reading(i)));
    await uplink.whenBufferedAtMost(0);
    await uplink.close();
    expect(sink.batches.map((b) => b.length)).toEqual([100, 100, 50, 50, 50, 50]);
    expect(uplink.snapshot()).toMatchObject({ sent: 200, rejected: 100, retried: 0 });
    expect(clock.slept).toEqual([]);
  });
});
