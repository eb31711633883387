// Instances sharing a PostgreSQL (DATABASE_URL) must share their INFLUX_DATABASE (issue #21, "Bad
// input"): the first records it, another configured with a different one refuses to join — exit
// non-zero with a message naming INFLUX_DATABASE and the database the others use — and one with
// the same database joins. Real server processes on a real PostgreSQL.
import { afterEach, describe, expect, inject, it } from "vitest";
import { startServerProcess } from "../bench/server-process.ts";
import { runMainUntilExit } from "../helpers/main-process.ts";
import { createTestDatabase } from "../helpers/test-meta.ts";
import { tempDirsPerTest, uniqueDatabase } from "../helpers/test-system.ts";

const tempDir = tempDirsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("instances with different INFLUX_DATABASE on one DATABASE_URL", () => {
  it("the second refuses to start, naming both databases; one with the same database joins", { timeout: 120_000 }, async () => {
    const meta = await createTestDatabase();
    cleanups.push(() => meta.drop());
    const ours = uniqueDatabase();
    const first = await startServerProcess(inject("influxUrl"), { DATABASE_URL: meta.url, INFLUX_DATABASE: ours });
    cleanups.push(() => first.stop());

    const other = uniqueDatabase();
    const refused = await runMainUntilExit({ DATA_DIR: tempDir("wm-influx-db-"), INFLUX_URL: inject("influxUrl"), DATABASE_URL: meta.url, INFLUX_DATABASE: other });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Water Monitor failed to start: INFLUX_DATABASE=${other}, but the instances sharing this DATABASE_URL use the InfluxDB database ${ours}.`);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // a setting to fix, not a bug

    const second = await startServerProcess(inject("influxUrl"), { DATABASE_URL: meta.url, INFLUX_DATABASE: ours });
    cleanups.push(() => second.stop());
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200);
  });
});
