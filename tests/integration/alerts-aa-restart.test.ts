// AA early warnings average over 30 days: after a restart the rolling mean is rebuilt from InfluxDB,
// so a reading after the restart is judged against every stored reading of its sensor, not against
// itself alone — coverage and count included.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertInfo } from "../../common/alerts.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const ZEHREN = "DE-ELBE-ZEHREN";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function diclofenacAaAlerts(s: AlertTestSystem, headers: Record<string, string>): Promise<AlertInfo[]> {
  const res = await api(s, "GET", `/api/v1/alerts?station=${ZEHREN}&parameter=diclofenac`, headers);
  expect(res.status).toBe(200);
  return (res.body.alerts as AlertInfo[]).filter((a) => a.kind === "aa");
}

describe("AA rolling mean across a restart", () => {
  it("is rebuilt from InfluxDB per sensor, so one more reading completes the coverage; the mean counts below-LOD values as LOD/2", async () => {
    const first = await startAlertSystem();
    cleanups.push(() => first.stop());
    const token = (await first.stationTokens.create("t", ["*"])).token;
    const viewer = await authHeaders(first, "viewer");

    // 3,455 ten-minute readings ending 7 hours ago (a backfill: older readings feed AA means but start
    // no alerts): one short of 80 % of the 4,320 a 10-minute sensor gives in 30 days. Every tenth is
    // <LOD 5 (counting 2.5), the rest 46–48 ng/L: a mean above the EU AA-EQS of 40 ng/L.
    const end = Date.now() - 7 * 60 * MIN;
    const value = (i: number) => (i % 10 === 0 ? { belowLod: { lod: 5 } } : { value: 46 + (i % 3) });
    const readings = Array.from({ length: 3455 }, (_, i) => ({ station: ZEHREN, parameter: "diclofenac", time: end - (3454 - i) * 10 * MIN, ...value(i) }));
    expect((await postReadings(first.url, token, { readings })).status).toBe(202);
    await first.writer.drained();
    expect(await diclofenacAaAlerts(first, viewer)).toEqual([]);
    await first.close(2_000);

    const second = await startAlertSystem({}, { dataDir: first.dataDir, database: first.config.influx.database });
    cleanups.push(() => second.close(2_000));
    // One live reading: 3,456 values = 80 % of 30 days, and the mean over them is above 40.
    expect((await postReadings(second.url, token, { readings: [{ station: ZEHREN, parameter: "diclofenac", time: Date.now(), value: 35 }] })).status).toBe(202);
    const fired = await eventually(async () => {
      const alerts = await diclofenacAaAlerts(second, viewer);
      return alerts.length > 0 ? alerts : null;
    }, "the AA early warning");
    const sum = readings.reduce((s, r) => s + ("value" in r ? r.value! : 2.5), 0) + 35;
    const euAlert = fired.find((a) => a.standard?.source === "EU-EQS-2022")!;
    expect(euAlert).toMatchObject({
      state: "firing",
      threshold: 40,
      standard: { kind: "AA-EQS", source: "EU-EQS-2022" },
      unit: "ng/L",
      sensor: "SIM-DE-ELBE-ZEHREN-DICLOFENAC",
      valueKind: "mean",
      meanWindowMs: 30 * DAY,
      meanCount: 3456,
    });
    expect(euAlert.value).toBeCloseTo(sum / 3456, 9);
    expect(euAlert.message).toContain("rolling 30-day mean of 3,456 values");
  });
});
