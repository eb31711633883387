// The built-in simulator follows the catalog while it runs, as `npm start` runs it: a station an admin
// adds as simulated gets its write token and reports at once (not at the next 10-minute grid
// instant).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LatestResponse } from "../../common/api-types.ts";
import { SIMULATOR_TOKENS_FILE } from "../../server/src/auth/simulator-tokens.ts";
import { startBuiltInSimulator } from "../../server/src/built-in-simulator.ts";
import type { SimulatorHandle } from "../../sensors-sim/src/simulator.ts";
import { eventually } from "../helpers/alert-system.ts";
import { authHeaders } from "../helpers/auth.ts";
import { call, newStation } from "../helpers/catalog-api.ts";
import { startTestSystem, testLogger, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem | undefined;
let simulator: SimulatorHandle | undefined;
afterEach(async () => {
  await simulator?.stop();
  await system?.stop();
  simulator = undefined;
  system = undefined;
});

describe("the built-in simulator and a changing catalog", () => {
  it("a new simulated station gets a token and sends within seconds", async () => {
    const s = (system = await startTestSystem());
    const admin = await authHeaders(s, "admin");
    simulator = await startBuiltInSimulator(
      { url: s.url, catalog: s.catalog, stationTokens: s.stationTokens, dataDir: s.dataDir, logger: testLogger },
      { database: s.config.influx.database, seed: 5, speed: 60, drainTimeout: "1s" },
    );
    await eventually(() => simulator!.summary().state === "live", "the live phase");
    const added = Date.now();
    const res = await call(s, "POST", "/api/v1/catalog/stations", admin, { ...newStation({ id: "TEST-SIM-LIVE", simulated: true }), simulatedSensors: ["ph", "carbamazepine"] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    const latest = await eventually(async () => {
      await s.writer.drained();
      const body = (await call(s, "GET", "/api/v1/latest?station=TEST-SIM-LIVE", admin)).body as LatestResponse;
      return body.latest.length === 2 ? body.latest : undefined;
    }, "the new station's first readings", 20_000);
    expect(Date.now() - added).toBeLessThan(60_000);
    expect(latest.map((r) => [r.parameter, r.sensor])).toEqual([
      ["carbamazepine", "SIM-TEST-SIM-LIVE-CARBAMAZEPINE"],
      ["ph", "SIM-TEST-SIM-LIVE-PH"],
    ]);
    const tokens = JSON.parse(readFileSync(path.join(s.dataDir, SIMULATOR_TOKENS_FILE), "utf8")) as Record<string, string>;
    expect(Object.keys(tokens)).toContain("TEST-SIM-LIVE");
    expect(simulator.summary().rejected).toBe(0);
  }, 60_000);
});
