import { describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { deriveStatus, OFFLINE_AFTER_MS, type StatusInput } from "../../client/src/status.ts";
import { seed, testAlert, testReading } from "../helpers/catalog.ts";

const now = Date.UTC(2026, 10, 25, 12, 0);
const reading = (parameter: string, value: number | null, extra: Partial<Reading> = {}): Reading =>
  testReading({
    station: "DE-ELBE-ZEHREN",
    parameter,
    time: now - 10 * 60_000,
    value,
    qualifier: value === null ? "<LOD" : null,
    limit: value === null ? 5 : null,
    ...extra,
  });
const status = (input: Omit<StatusInput, "station" | "catalog"> & { station?: string }) =>
  deriveStatus({ station: input.latest[0]?.station ?? "DE-ELBE-ZEHREN", catalog: seed, ...input });
const cuntan = { station: "CN-YANGTZE-CUNTAN" };

describe("client station status", () => {
  it("is ok when recent readings pass QC and stay within every standard", () => {
    const r = status({ latest: [reading("carbamazepine", 120), reading("ph", 7.5)], now });
    expect(r.status).toBe("ok");
    expect(r.lastReadingAt).toBe(now - 10 * 60_000);
  });

  it("a reading failed because it was taken in a maintenance window is no sensor problem", () => {
    expect(status({ latest: [reading("conductivity", 1, { qc: 4, maintenance: true })], now }).status).toBe("ok");
    expect(status({ latest: [reading("conductivity", 1, { qc: 4 })], now }).status).toBe("sensor");
  });

  it("is offline with no reading for more than an hour, or none at all", () => {
    const old = reading("carbamazepine", 120, { time: now - OFFLINE_AFTER_MS - 1 });
    expect(status({ latest: [old], now }).status).toBe("offline");
    expect(status({ latest: [], now }).status).toBe("offline");
  });

  it("flags a single value above MAC-EQS or outside a range, but not a single value above AA-EQS", () => {
    expect(status({ latest: [reading("clarithromycin", 200)], now }).status).toBe("above");
    // GB 3838 (class III at Cuntan) applies in China only.
    expect(status({ latest: [reading("ph", 9.4, cuntan)], now }).status).toBe("above");
    expect(status({ latest: [reading("dissolved_oxygen", 4, cuntan)], now }).issues[0]).toMatchObject({ kind: "below", limit: 5 });
    // Diclofenac 300 ng/L is far above its AA-EQS (40) but AA-EQS is about means.
    expect(status({ latest: [reading("diclofenac", 300)], now }).status).toBe("ok");
  });

  it("holds means against annual standards only as the alert engine's early warnings (window and count named)", () => {
    const warning = testAlert({ kind: "aa", station: "DE-ELBE-ZEHREN", parameter: "diclofenac", value: 45, valueKind: "mean", meanWindowMs: 30 * 86_400_000, meanCount: 3456, threshold: 40 });
    const r = status({ latest: [reading("diclofenac", 30)], alerts: [warning], now });
    expect(r.status).toBe("early-warning");
    expect(r.issues).toEqual([{ kind: "early-warning", alert: warning }]);
    // Another station's warning, or one no longer firing, says nothing here.
    expect(status({ latest: [reading("diclofenac", 30)], alerts: [{ ...warning, station: "DE-ELBE-SCHMILKA" }, { ...warning, state: "resolved" }], now }).status).toBe("ok");
    // A single value above the limit outranks an early warning.
    expect(status({ latest: [reading("clarithromycin", 200)], alerts: [warning], now }).status).toBe("above");
  });

  it("applies no GB 3838 limit and no Swiss value on a Saxon station", () => {
    expect(status({ latest: [reading("ph", 9.4), reading("dissolved_oxygen", 4)], now }).status).toBe("ok");
    const swiss = status({ latest: [reading("azithromycin", 185)], now });
    // Azithromycin 185 ng/L is above the Swiss MAC (180 ng/L) and the EU proposal's MAC (180 ng/L): only the EU one counts.
    expect(swiss.issues.map((i) => (i.kind === "above" ? i.standard.source : i.kind))).toEqual(["EU-EQS-2022"]);
  });

  it("never alarms on watch-list detection limits", () => {
    expect(status({ latest: [reading("sulfamethoxazole", 500)], now }).status).toBe("ok");
  });

  it("reports suspect and failed latest values as a sensor problem and ignores failed values for standards", () => {
    const failed = status({ latest: [reading("clarithromycin", 900, { qc: 4 })], now });
    expect(failed.status).toBe("sensor");
    expect(failed.issues).toEqual([{ kind: "sensor", parameter: "clarithromycin", qc: 4 }]);
    expect(status({ latest: [reading("carbamazepine", 100, { qc: 3 })], now }).status).toBe("sensor");
  });

  it("does not treat below-LOD values as exceedances", () => {
    expect(status({ latest: [reading("clarithromycin", null)], now }).status).toBe("ok");
  });

  it("ranks offline over above over sensor problem", () => {
    const old = now - 2 * OFFLINE_AFTER_MS;
    expect(status({ latest: [reading("clarithromycin", 900, { time: old })], now }).status).toBe("offline");
    expect(status({ latest: [reading("clarithromycin", 900), reading("ph", 7, { qc: 3 })], now }).status).toBe("above");
  });
});
