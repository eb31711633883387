import { describe, expect, it } from "vitest";
import type { Parameter } from "../../common/catalog.ts";
import { catalog } from "../../common/catalog.ts";
import type { Reading } from "../../common/reading.ts";
import { deriveStatus, OFFLINE_AFTER_MS } from "../../client/src/status.ts";

const parameters = new Map<string, Parameter>(catalog.parameters.map((p) => [p.code, p]));
const now = Date.UTC(2026, 10, 25, 12, 0);
const reading = (parameter: string, value: number | null, extra: Partial<Reading> = {}): Reading => ({
  station: "DE-ELBE-ZEHREN",
  parameter,
  time: now - 10 * 60_000,
  value,
  lod: value === null ? 5 : null,
  qc: 1,
  ...extra,
});

describe("client station status", () => {
  it("is ok when recent readings pass QC and stay within every standard", () => {
    const r = deriveStatus({ latest: [reading("carbamazepine", 120), reading("ph", 7.5)], parameters, now });
    expect(r.status).toBe("ok");
    expect(r.lastReadingAt).toBe(now - 10 * 60_000);
  });

  it("is offline with no reading for more than an hour, or none at all", () => {
    const old = reading("carbamazepine", 120, { time: now - OFFLINE_AFTER_MS - 1 });
    expect(deriveStatus({ latest: [old], parameters, now }).status).toBe("offline");
    expect(deriveStatus({ latest: [], parameters, now }).status).toBe("offline");
  });

  it("flags a single value above MAC-EQS or outside a range, but not a single value above AA-EQS", () => {
    expect(deriveStatus({ latest: [reading("clarithromycin", 200)], parameters, now }).status).toBe("above");
    expect(deriveStatus({ latest: [reading("ph", 9.4)], parameters, now }).status).toBe("above");
    expect(deriveStatus({ latest: [reading("dissolved_oxygen", 4)], parameters, now }).issues[0]).toMatchObject({ kind: "below", limit: 5 });
    // Diclofenac 300 ng/L is far above its AA-EQS (40) but AA-EQS is about means.
    expect(deriveStatus({ latest: [reading("diclofenac", 300)], parameters, now }).status).toBe("ok");
  });

  it("compares recent means with AA-EQS", () => {
    const r = deriveStatus({ latest: [reading("diclofenac", 30)], parameters, recentMeans: new Map([["diclofenac", 45]]), now });
    expect(r.status).toBe("above");
    expect(r.issues).toEqual([expect.objectContaining({ kind: "above", basis: "mean", limit: 40, parameter: "diclofenac" })]);
  });

  it("never alarms on watch-list detection limits", () => {
    expect(deriveStatus({ latest: [reading("sulfamethoxazole", 500)], parameters, recentMeans: new Map([["sulfamethoxazole", 500]]), now }).status).toBe("ok");
  });

  it("reports suspect and failed latest values as a sensor problem and ignores failed values for standards", () => {
    const failed = deriveStatus({ latest: [reading("clarithromycin", 900, { qc: 4 })], parameters, now });
    expect(failed.status).toBe("sensor");
    expect(failed.issues).toEqual([{ kind: "sensor", parameter: "clarithromycin", qc: 4 }]);
    expect(deriveStatus({ latest: [reading("carbamazepine", 100, { qc: 3 })], parameters, now }).status).toBe("sensor");
  });

  it("does not treat below-LOD values as exceedances", () => {
    expect(deriveStatus({ latest: [reading("clarithromycin", null)], parameters, now }).status).toBe("ok");
  });

  it("ranks offline over above over sensor problem", () => {
    const old = now - 2 * OFFLINE_AFTER_MS;
    expect(deriveStatus({ latest: [reading("clarithromycin", 900, { time: old })], parameters, now }).status).toBe("offline");
    expect(deriveStatus({ latest: [reading("clarithromycin", 900), reading("ph", 7, { qc: 3 })], parameters, now }).status).toBe("above");
  });
});
