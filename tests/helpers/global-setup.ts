// Once per `npm test`: a real influxd on a free port with a temporary data dir, removed afterwards.
// The influxd guard also stops it and removes the dir if this process dies (Ctrl-C, crash).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { createLogger } from "../../common/logger.ts";
import { clientBuildDir } from "./client-build.ts";

declare module "vitest" {
  export interface ProvidedContext {
    influxUrl: string;
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
  await influxd.start();
  project.provide("influxUrl", influxd.url);
  return async () => {
    rmSync(clientBuildDir(influxd.url), { recursive: true, force: true });
    await influxd.stop();
  };
}
