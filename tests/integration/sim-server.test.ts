// The simulator against the real Water Monitor ingest (JSON and line protocol) and InfluxDB:
// the contract the two sides were written against, checked end to end.
import { afterEach, describe, expect, it } from "vitest";
import { ALL_STATIONS } from "../../server/src/auth/station-tokens.ts";
import { startSimulator } from "../../sensors-sim/src/simulator.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe("simulator → Water Monitor ingest", () => {
  it.each(["http-json", "line-protocol"] as const)("every %s reading is accepted, faults and <LOD included", async (transport) => {
    system = await startTestSystem();
    const { token } = system.stationTokens.create("sim-test", [ALL_STATIONS]);
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
    });
    const summary = await sim.finished;
    expect(summary).toMatchObject({ rejected: 0, dropped: 0, buffered: 0, sent: summary.generated });
    expect(summary.generated).toBeGreaterThan(8 * 19 * 150);
    await system.writer.drained();
  });
});
