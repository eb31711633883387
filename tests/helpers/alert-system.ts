// Test servers for the alert tests: like startTestSystem, but with short alerting intervals and a
// way to start a second server on the same data dir and database (restart).
import { rmSync } from "node:fs";
import { inject } from "vitest";
import { loadConfig } from "../../server/src/config.ts";
import { startSystem } from "../../server/src/system.ts";
import type { AlertingOptions } from "../../server/src/alerts/alerting.ts";
import type { Clock, Scheduler } from "../../server/src/util/clock.ts";
import { tempDir, testLogger, uniqueDatabase, type TestSystem } from "./test-system.ts";
import { currentClientDir } from "./client-build.ts";
import type { CatalogData } from "../../common/catalog-model.ts";
import { catalogWith } from "./catalog.ts";
import { dropMetaFor, metaSettingsFor } from "./test-meta.ts";

/**
 * The shipped catalog as it will be once the EU revision's MAC-EQS binds (Directive (EU) 2026/805
 * transposed): the clarithromycin MAC-EQS (130 ng/L) is binding, so its built-in rules are critical.
 * Notification tests subscribe to critical alerts and trigger this one; in the shipped catalog the
 * value is a proposal and its alerts only inform.
 */
export const BINDING_CLARITHROMYCIN_MAC: CatalogData = catalogWith((d) => {
  d.standards.find((s) => s.id === "clarithromycin.MAC-EQS.EU-EQS-2022")!.legalStatus = "binding";
}).data;

/**
 * The shipped catalog, with the Swiss ordinance's diclofenac AA-EQS applied in Germany too (as an
 * installation comparing against the strictest binding value in the basin would): at a German
 * station diclofenac then has three AA-EQS, the EU and UBA proposals (40 and 50 ng/L, informing)
 * and a binding 50 ng/L (a warning). One mean above all three is one breach (issue #19).
 */
export const THREE_DICLOFENAC_STANDARDS: CatalogData = catalogWith((d) => {
  d.standards.find((s) => s.id === "diclofenac.AA-EQS.CH-GSchV")!.scope = { kind: "countries", ids: ["CH", "DE"] };
}).data;

/**
 * 30 days of ten-minute diclofenac readings at ~60 ng/L ending 7 hours ago (80 % of the expected
 * readings; older than 6 h, so they fill the mean and start nothing), to be followed by one live
 * reading that brings the mean above every AA-EQS at once.
 */
export function diclofenacHistory(station: string, value = 60): Array<{ station: string; parameter: string; time: number; value: number }> {
  const end = Date.now() - 7 * 3_600_000;
  return Array.from({ length: 3456 }, (_, i) => ({ station, parameter: "diclofenac", time: end - (3455 - i) * 600_000, value: value - 1 + (i % 3) }));
}

export const FAST_ALERTING: Partial<AlertingOptions> = {
  outbox: { pollMs: 50, baseDelayMs: 30, maxDelayMs: 200, maxAttempts: 10 },
  engine: { checkIntervalMs: 200 },
  webhookTimeoutMs: 2_000,
};

export interface AlertTestSystem extends TestSystem {
  /** Stops this server but keeps its data dir, for a restart on the same data. */
  close(timeoutMs?: number): Promise<void>;
}

export async function startAlertSystem(
  env: Record<string, string> = {},
  reuse?: { dataDir: string; database: string },
  alerting: Partial<AlertingOptions> = FAST_ALERTING,
  /** The server's clock and timers (default: the system's). */
  time?: Clock & Scheduler,
  /** The catalog a new data dir starts with (default: the shipped one). */
  catalogSeed?: CatalogData,
  /** A managed influxd of the test's own (default: the run's shared one, as an external InfluxDB). */
  managed?: { url: string; rpcPort: number },
): Promise<AlertTestSystem> {
  const influxUrl = managed?.url ?? inject("influxUrl");
  const data = reuse ? { dir: reuse.dataDir, remove: () => rmSync(reuse.dataDir, { recursive: true, force: true }) } : tempDir("wm-alert-test-");
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: data.dir,
    INFLUX_URL: influxUrl,
    INFLUX_DATABASE: reuse?.database ?? uniqueDatabase(),
    SIMULATOR: "off",
    LOG_LEVEL: "silent",
    WRITE_FLUSH_MS: "50",
    // The tests' webhook receivers listen on 127.0.0.1.
    WEBHOOK_ALLOW_LOCAL: "true",
    ...(await metaSettingsFor(data.dir)),
    ...env,
  });
  const system = await startSystem({
    config,
    logger: testLogger,
    influxUrl,
    // As main.ts starts it with a managed influxd.
    ...(managed ? { influxMode: "managed", influxOtherPorts: () => [managed.rpcPort] } : { influxMode: "external" }),
    alerting,
    clock: time,
    scheduler: time,
    clientDir: currentClientDir(),
    catalogSeed,
  });
  return {
    ...system,
    url: `http://127.0.0.1:${system.port}`,
    config,
    dataDir: data.dir,
    stop: async () => {
      await system.close(2_000);
      data.remove();
      await dropMetaFor(data.dir);
    },
  };
}

/** Polls `check` until it returns a truthy value (real servers deliver asynchronously). */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function api(system: { url: string }, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${system.url}${path}`, {
    method,
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
