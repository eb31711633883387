// INFLUX_URL carries credentials (user:password@, as the README shows for a protected InfluxDB) and
// here also a token in its query string. When InfluxDB is down, the reason is shown to everyone:
// the health body (no login), the live `storage` event (anonymous sockets too), the dashboard banner
// and the log. None of them may contain a secret; all of them name host and port.
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageHealth } from "../../common/events.ts";
import type { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings, reading } from "../helpers/ingest-client.ts";
import { captureLog, type CapturedLog } from "../helpers/log-capture.ts";
import { startOwnInfluxd, startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { newWatchedPage, type WatchedPage } from "./auth-kit.ts";
import { buildClientOnce, failOnPageErrors } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const USER = "monitor";
const PASSWORD = "s3cret-Pw-7731";
const QUERY_TOKEN = "qs-token-5521";
const SECRETS = [PASSWORD, QUERY_TOKEN, encodeURIComponent(PASSWORD), Buffer.from(`${USER}:${PASSWORD}`).toString("base64"), `${USER}:`];

function leaked(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe("credentials in INFLUX_URL while InfluxDB is down", () => {
  let influxd: ManagedInfluxd;
  let system: TestSystem;
  let log: CapturedLog;
  let socket: Socket;
  const browser = useChromium();
  let watched: WatchedPage | undefined;
  let hostPort: string;

  beforeAll(async () => {
    await buildClientOnce();
    influxd = await startOwnInfluxd();
    hostPort = `127.0.0.1:${influxd.port}`;
    log = captureLog("debug");
    // InfluxDB without auth ignores the credentials, so the server starts normally; then it goes away.
    const url = `http://${USER}:${encodeURIComponent(PASSWORD)}@${hostPort}/?token=${QUERY_TOKEN}`;
    system = await startTestSystem({ STORAGE_WATCH_MS: "200", LOG_LEVEL: "debug" }, url, { logger: log.logger });
    socket = connect(system.url, { transports: ["websocket"], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
  }, 180_000);

  failOnPageErrors(() => watched?.problems);

  afterAll(async () => {
    socket?.close();
    await system?.stop();
    await influxd?.stop();
  });

  it("sends anonymous live clients the reason with host and port, and no secret", async () => {
    const down = new Promise<StorageHealth>((resolve) => socket.once("storage", resolve));
    await influxd.stop();
    const event = await down;
    expect(event.reachable).toBe(false);
    expect(event.error).toContain(hostPort);
    expect(leaked(JSON.stringify(event))).toEqual([]);
  });

  it("answers /api/health with 503, host and port, and no secret", async () => {
    const res = await fetch(`${system.url}/api/health`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text).influx.error).toContain(hostPort);
    expect(leaked(text)).toEqual([]);
  });

  it("keeps secrets out of read, export and ingest answers while InfluxDB is down", async () => {
    const now = Date.now();
    const researcher = await authHeaders(system, "researcher");
    const token = (await system.stationTokens.create("secrets", ["*"])).token;
    const answers = [
      await fetch(`${system.url}/api/v1/latest`),
      await fetch(`${system.url}/api/v1/series?station=DE-ELBE-ZEHREN&parameter=ph&from=${now - 3_600_000}&to=${now}`),
      await fetch(`${system.url}/api/v1/export?stations=DE-ELBE-ZEHREN&parameters=ph&from=${now - 3_600_000}&to=${now}`, { headers: researcher }),
      await fetch(`${system.url}/api/v1/export/estimate?stations=DE-ELBE-ZEHREN&parameters=ph&from=${now - 3_600_000}&to=${now}`, { headers: researcher }),
      await postReadings(system.url, token, { readings: [reading()] }),
    ];
    for (const res of answers) {
      const text = await res.text();
      expect(leaked(text), `${res.url}: ${text}`).toEqual([]);
    }
    expect(answers[0]!.status).toBe(503);
  });

  it("shows the dashboard banner with host and port, and no secret", async () => {
    watched = await newWatchedPage(browser());
    const page = watched.page;
    await page.goto(`${system.url}/#/`);
    const banner = page.locator("[data-testid=health-banner]");
    await banner.waitFor({ state: "visible", timeout: 10_000 });
    const text = (await banner.textContent()) ?? "";
    expect(text).toContain(hostPort);
    expect(leaked(text)).toEqual([]);
  });

  it("never writes a secret to the log", async () => {
    // Let the storage watch, the batch writer's retries and the alert engine run a while longer.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.filter((line) => leaked(line).length > 0)).toEqual([]);
  });
});
