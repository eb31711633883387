// InfluxDB comes up 20 s after the server (a restart order, a slow container). The server starts
// anyway: health answers 503 naming host and port, stations can deliver (into the journal and
// spool), the dashboard says storage is unavailable, and as soon as InfluxDB answers the database,
// retention policies and continuous queries are set up and the spooled readings arrive.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { continuousQueries, RETENTION } from "../../server/src/influx/schema.ts";
import { eventually } from "../helpers/alert-system.ts";
import { postReadings, reading } from "../helpers/ingest-client.ts";
import { startOwnInfluxd, startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { newWatchedPage, type WatchedPage } from "./auth-kit.ts";
import { buildClientOnce, failOnPageErrors } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const INFLUX_LATE_MS = 20_000;

describe("InfluxDB starting 20 s after the server", () => {
  let port: number;
  let system: TestSystem;
  let serverStartedAt: number;
  let influxd: ManagedInfluxd | undefined;
  const browser = useChromium();
  let page: Page;
  let watched: WatchedPage | undefined;
  const times = [Date.now() - 120_000, Date.now() - 60_000] as const;

  beforeAll(async () => {
    await buildClientOnce();
    port = await freePort();
    serverStartedAt = Date.now();
    system = await startTestSystem({}, `http://127.0.0.1:${port}`);
    watched = await newWatchedPage(browser());
    page = watched.page;
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await influxd?.stop();
  });
  failOnPageErrors(() => watched?.problems);

  it("starts and answers /api/health with 503 naming host and port", async () => {
    const res = await fetch(`${system.url}/api/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; influx: { reachable: boolean; error: string } };
    expect(body.status).toBe("unavailable");
    expect(body.influx.error).toBe(`InfluxDB is unreachable at 127.0.0.1:${port}: connection refused`);
  });

  it("accepts readings from stations into the journal and spool", async () => {
    const token = (await system.stationTokens.create("late-start", ["*"])).token;
    const json = await postReadings(system.url, token, { readings: [reading({ time: times[0], value: 101.5 })] });
    expect(json.status).toBe(202);
    const line = await fetch(`${system.url}/write?db=${system.config.influx.database}&precision=ms`, {
      method: "POST",
      headers: { authorization: `Token ${token}` },
      body: `reading,station=DE-ELBE-ZEHREN,parameter=carbamazepine value=102.5 ${times[1]}`,
    });
    expect(line.status).toBe(204);
    await eventually(() => system.writer.stats().spoolBatches > 0, "readings spooled");
  });

  it("tells the dashboard that storage is unavailable", async () => {
    await page.goto(`${system.url}/#/`);
    const banner = page.locator("[data-testid=health-banner]");
    await banner.waitFor({ state: "visible", timeout: 10_000 });
    expect(await banner.textContent()).toMatch(new RegExp(`database is unavailable.*127\\.0\\.0\\.1:${port}`));
  });

  it("sets up database, retention policies and continuous queries once InfluxDB answers, and stores what was spooled", async () => {
    await new Promise((r) => setTimeout(r, Math.max(0, serverStartedAt + INFLUX_LATE_MS - Date.now())));
    influxd = await startOwnInfluxd(port);
    expect(influxd.port).toBe(port);

    const upAfter = await eventually(async () => ((await fetch(`${system.url}/api/health`)).status === 200 ? Date.now() : undefined), "health 200", 20_000);
    const database = system.config.influx.database;
    const direct = async (q: string) => (await (await fetch(`${influxd!.url}/query?q=${encodeURIComponent(q)}`)).json()) as {
      results: Array<{ series?: Array<{ name?: string; values: unknown[][] }> }>;
    };
    const rps = (await direct(`SHOW RETENTION POLICIES ON "${database}"`)).results[0]!.series![0]!.values.map((v) => [v[0], v[4]]);
    expect(rps).toEqual(expect.arrayContaining([[RETENTION.raw.name, true], [RETENTION.oneMinute.name, false], [RETENTION.oneHour.name, false]]));
    const cqs = (await direct("SHOW CONTINUOUS QUERIES")).results[0]!.series!.find((s) => s.name === database)!.values.map((v) => v[0]);
    expect(cqs.sort()).toEqual(continuousQueries(database).map((c) => c.name).sort());

    const stored = await eventually(
      async () => {
        const res = await fetch(`${system.url}/api/v1/series?station=DE-ELBE-ZEHREN&parameter=carbamazepine&from=${times[0] - 1}&to=${times[1] + 1}&width=100`);
        const body = (await res.json()) as { points?: Array<{ t: number; v: number }> };
        return body.points?.length === 2 ? body.points : undefined;
      },
      "spooled readings in InfluxDB",
      20_000,
    );
    expect(stored.map((p) => [p.t, p.v])).toEqual([[times[0], 101.5], [times[1], 102.5]]);
    // The storage watch checks every 5 s (STORAGE_WATCH_MS): setup follows InfluxDB within that.
    expect(upAfter - serverStartedAt).toBeLessThan(INFLUX_LATE_MS + 15_000);
  }, 90_000);

  it("takes the banner away once storage is back", async () => {
    await page.locator("[data-testid=health-banner]").waitFor({ state: "hidden", timeout: 20_000 });
  }, 30_000);
});
