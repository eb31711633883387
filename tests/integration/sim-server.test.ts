// The simulator against the real Water Monitor ingest (JSON and line protocol) and InfluxDB:
// the contract the two sides were written against, checked end to end.
import { afterEach, describe, expect, it } from "vitest";
import { ensureSimulatorTokens } from "../../server/src/auth/simulator-tokens.ts";
import { ALL_STATIONS } from "../../server/src/auth/station-tokens.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { startSimulator } from "../../sensors-sim/src/simulator.ts";
import { seed as catalog } from "../helpers/catalog.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe("simulator → Water Monitor ingest", () => {
  it.each(["http-json", "line-protocol"] as const)("every %s reading is accepted, faults and <LOD included", async (transport) => {
    system = await startTestSystem();
    const { token } = await system.stationTokens.create("sim-test", [ALL_STATIONS]);
    const sim = startSimulator({
      url: system.url,
      token,
      transport,
      database: system.config.influx.database,
      start: Date.now() - 2 * 3_600_000,
      backfill: "1d",
      duration: "2h",
      speed: 100_000,
      seed: 3,
      faults: { rates: { spike: 2, stuck: 1, clockSkew: 1 } },
    }, { catalog });
    const summary = await sim.finished;
    expect(summary).toMatchObject({ rejected: 0, dropped: 0, buffered: 0, sent: summary.generated });
    expect(summary.generated).toBeGreaterThan(8 * 19 * 150);
    await system.writer.drained();
    // Every reading names its sensor; the KSI prototype's carry its raw signal and calibration version.
    const bySensor = await system.store.query<{ sensor: string; count: number }>(
      `SELECT count("${FIELD.qc}") AS "count" FROM "${MEASUREMENT}" GROUP BY "${TAG.sensor}"`,
    );
    expect(bySensor.some((r) => r.sensor === "")).toBe(false);
    // 19 parameters and a discharge gauge at each of the 8 stations, and Zehren's second carbamazepine sensor.
    expect(bySensor).toHaveLength(8 * 20 + 1);
    const prototype = await system.store.query<{ raw: number; calibration: number; value: number | null }>(
      `SELECT "${FIELD.raw}", "${FIELD.calibration}", "${FIELD.value}" FROM "${MEASUREMENT}" WHERE "${TAG.sensor}" = 'KSI-CBZ-MIP-P2' AND "${FIELD.value}" > 0 LIMIT 5`,
    );
    expect(prototype.length).toBeGreaterThan(0);
    for (const row of prototype) {
      expect(row.calibration).toBe(1);
      expect(2 * row.raw - 10).toBeCloseTo(row.value!, 0);
    }
  });

  it("with a token per station, as npm start runs it, every station sends on its own token", async () => {
    system = await startTestSystem();
    const { tokens } = await ensureSimulatorTokens(system.stationTokens, system.dataDir, catalog.stations.map((s) => s.id));
    const sim = startSimulator({
      url: system.url,
      tokens,
      start: Date.now() - 3_600_000,
      backfill: "6h",
      duration: "1h",
      speed: 100_000,
      seed: 4,
    }, { catalog });
    const summary = await sim.finished;
    // A station's token refuses every other station's readings, so one mixed batch would be rejected.
    expect(summary).toMatchObject({ rejected: 0, dropped: 0, buffered: 0, sent: summary.generated });
    expect(summary.requests).toBeGreaterThanOrEqual(catalog.stations.length);
    await system.writer.drained();
    const perStation = await system.store.query<{ station: string; count: number }>(
      `SELECT count("${FIELD.qc}") AS "count" FROM "${MEASUREMENT}" WHERE time > now() - 1d GROUP BY "${TAG.station}"`,
    );
    expect(perStation.map((r) => r.station).sort()).toEqual(catalog.stations.map((s) => s.id).sort());
    expect(perStation.every((r) => r.count > 0)).toBe(true);
  });
});
