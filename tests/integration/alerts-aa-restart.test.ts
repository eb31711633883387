// AA-EQS rules average over a year: after a restart the rolling mean is rebuilt from InfluxDB, so a
// reading after the restart is judged against every stored reading, not against itself alone.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertInfo } from "../../common/alerts.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";

const HOUR = 3_600_000;
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
  it("is rebuilt from InfluxDB, so one more reading tips the mean over the AA-EQS; the mean counts below-LOD values as LOD/2", async () => {
    const first = await startAlertSystem();
    cleanups.push(() => first.stop());
    const token = (await first.stationTokens.create("t", ["*"])).token;
    const viewer = await authHeaders(first, "viewer");
    const diclofenac = (time: number, value: number | { belowLod: number }) =>
      typeof value === "number" ? { station: ZEHREN, parameter: "diclofenac", time, value } : { station: ZEHREN, parameter: "diclofenac", time, belowLod: { lod: value.belowLod } };

    // Readings from two days ago (a backfill: older readings feed AA means but start no alerts).
    // Mean 215 / 5 = 43 ng/L, above the EU AA-EQS of 40 and below the Swiss and UBA 50.
    const day = Date.now() - 2 * 24 * HOUR;
    const earlier = [diclofenac(day, 48), diclofenac(day + HOUR, 52), diclofenac(day + 2 * HOUR, { belowLod: 8 }), diclofenac(day + 3 * HOUR, 50), diclofenac(day + 4 * HOUR, 61)];
    expect((await postReadings(first.url, token, { readings: earlier })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    expect(await diclofenacAaAlerts(first, viewer)).toEqual([]);
    await first.close(2_000);

    const second = await startAlertSystem({}, { dataDir: first.dataDir, database: first.config.influx.database });
    cleanups.push(() => second.close(2_000));
    // 35 ng/L alone is clear of 40 (even of its 10 % hysteresis band); with the five before it the mean is 250 / 6.
    expect((await postReadings(second.url, token, { readings: [diclofenac(Date.now(), 35)] })).status).toBe(202);
    const fired = await eventually(async () => {
      const alerts = await diclofenacAaAlerts(second, viewer);
      return alerts.length > 0 ? alerts : null;
    }, "the AA alert");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ state: "firing", threshold: 40, standard: { kind: "AA-EQS", source: "EU-EQS-2022" }, unit: "ng/L" });
    expect(fired[0]!.value).toBeCloseTo((48 + 52 + 8 / 2 + 50 + 61 + 35) / 6, 9);
  });
});
