// Ingest checks a batch with a CheckMemo (reading-check.ts): consecutive readings of one series skip
// the catalog's look-ups while they fall in the same sensor placement. With it, every reading of a
// batch gets exactly the answer it gets alone: across a sensor swap, an ended deployment, series
// that alternate, a sensor named after none, and a refusal in between.
import { describe, expect, it } from "vitest";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { CheckMemo, checkReading, DEFAULT_INGEST_LIMITS, type ReadingCandidate } from "../../server/src/ingest/reading-check.ts";
import { seedCatalogData } from "../../server/src/catalog/seed.ts";
import { linesToCandidates } from "../../server/src/ingest/reading-lines.ts";
import { ReceivedLine } from "../../server/src/ingest/received-lines.ts";

const T = Date.parse("2026-06-01T00:00:00Z");
const at = (ms: number) => new Date(ms).toISOString();
const ZEHREN = "DE-ELBE-ZEHREN";
const OLD = "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE";
const NEW = "KSI-CBZ-MIP-P2";
const MINUTE = 60_000;

/** Zehren's carbamazepine: OLD primary until T, none for ten minutes, NEW primary from T + 10 min. */
function catalog(): CatalogSnapshot {
  const d = seedCatalogData();
  d.sensors.find((s) => s.id === OLD)!.deployments = [{ station: ZEHREN, from: "2024-01-01", to: at(T), primary: true }];
  d.sensors.find((s) => s.id === NEW)!.deployments = [{ station: ZEHREN, from: at(T + 10 * MINUTE), to: null, primary: true }];
  return new CatalogSnapshot(d);
}

/** A measured value naming no censoring, uncertainty or raw signal. */
const plain = { value: 120, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null } as const;
const candidate = (time: number, parameter = "carbamazepine", sensor?: string, station = ZEHREN): ReadingCandidate => ({ ...plain, station, parameter, sensor, time });

describe("checking a batch with a CheckMemo", () => {
  it("answers every reading as it is answered alone", () => {
    const snapshot = catalog();
    const now = T + 3_600_000;
    const batch: ReadingCandidate[] = [
      candidate(T - 2 * MINUTE),
      candidate(T - MINUTE),
      candidate(T), // OLD ended, NEW not yet there: refused
      candidate(T + 5 * MINUTE),
      candidate(T + 10 * MINUTE), // NEW from here
      candidate(T + 11 * MINUTE),
      candidate(T - MINUTE), // back in OLD's time
      candidate(T + 12 * MINUTE, "carbamazepine", NEW),
      candidate(T + 12 * MINUTE, "carbamazepine", OLD), // named, but ended
      candidate(T + 13 * MINUTE, "ph"),
      candidate(T + 13 * MINUTE),
      candidate(T + 14 * MINUTE, "ph"),
      candidate(T + 14 * MINUTE, "carbamazepine", undefined, "XX"),
      candidate(T + 15 * MINUTE, "ph"),
      { ...candidate(T + 16 * MINUTE, "ph"), unit: "mg/L" }, // the parameter's unit is checked per reading
      { ...candidate(T + 17 * MINUTE, "ph"), value: Number.NaN },
      candidate(T + 18 * MINUTE, "ph"),
    ];
    const memo = new CheckMemo();
    const withMemo = batch.map((c) => checkReading(c, snapshot, now, DEFAULT_INGEST_LIMITS, memo));
    const alone = batch.map((c) => checkReading(c, snapshot, now));
    expect(withMemo).toEqual(alone);
    // The batch has both outcomes, the swap among them.
    const sensors = alone.map((r) => (typeof r === "string" ? "refused" : r.sensor.id));
    expect(sensors.slice(0, 6)).toEqual([OLD, OLD, "refused", "refused", NEW, NEW]);
    expect(sensors[6]).toBe(OLD);
    expect(sensors[8]).toBe("refused");
    expect(sensors.filter((s) => s === "refused").length).toBeGreaterThanOrEqual(6);
  });

  it("with one memo per series of a /write body, series interleaved across the swap", () => {
    const snapshot = catalog();
    const now = T + 3_600_000;
    const lines = [];
    for (let m = -3; m <= 13; m++) {
      lines.push(`reading,station=${ZEHREN},parameter=carbamazepine value=120 ${T + m * MINUTE}`);
      lines.push(`reading,station=${ZEHREN},parameter=ph value=7.5 ${T + m * MINUTE}`);
      lines.push(`reading,station=${ZEHREN},parameter=carbamazepine,sensor=${OLD} value=120 ${T + m * MINUTE}`);
    }
    const candidates = linesToCandidates(Buffer.from(lines.join("\n")), "ms", now).candidates as ReceivedLine[];
    expect(candidates.every((c) => c instanceof ReceivedLine)).toBe(true);
    const withMemo = candidates.map((c) => checkReading(c, snapshot, now, DEFAULT_INGEST_LIMITS, c.memo));
    expect(withMemo).toEqual(candidates.map((c) => checkReading(c, snapshot, now)));
    expect(new Set(withMemo.map((r) => (typeof r === "string" ? "refused" : r.sensor.id)))).toEqual(new Set([OLD, NEW, "refused", snapshot.primarySensor(ZEHREN, "ph", T)!.id]));
  });
});
