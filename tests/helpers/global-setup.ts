// Once per `npm test`: a real influxd and a real PostgreSQL, each on a free port with a temporary
// data dir, removed afterwards. The influxd guard also stops it and removes the dir if this process
// dies (Ctrl-C, crash). PostgreSQL serves the metadata tests that run on both backends, and with
// TEST_META=postgres every test system (tests/helpers/test-meta.ts).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { createLogger } from "../../common/logger.ts";
import { clientBuildDir } from "./client-build.ts";
import { TestPostgresServer } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    influxUrl: string;
    /** The test PostgreSQL's superuser URL (database "postgres"), for making a database per test. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wm-test-influx-"));
  const influxd = new ManagedInfluxd({
    dir,
    port: 0,
    logger: createLogger("warn", "test-influxd"),
    removeDirOnExit: true,
  });
  const [influxStarted, postgres] = await Promise.allSettled([influxd.start(), TestPostgresServer.start()]);
  if (influxStarted.status === "rejected" || postgres.status === "rejected") {
    if (influxStarted.status === "fulfilled") await influxd.stop();
    if (postgres.status === "fulfilled") await postgres.value.stop();
    throw influxStarted.status === "rejected" ? influxStarted.reason : (postgres as PromiseRejectedResult).reason;
  }
  project.provide("influxUrl", influxd.url);
  project.provide("postgresUrl", postgres.value.url());
  return async () => {
    rmSync(clientBuildDir(influxd.url), { recursive: true, force: true });
    await Promise.all([influxd.stop(), postgres.value.stop()]);
  };
}
