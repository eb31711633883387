// Where this test run's dashboard build lives: a directory per `npm test` run (keyed by the run's
// influxd URL), so parallel runs never rebuild the bundle another run is serving, and client/dist
// (what `npm start` serves) is left alone.
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

export function clientBuildDir(runId: string): string {
  return path.join(os.tmpdir(), `wm-test-client-${createHash("sha1").update(runId).digest("hex").slice(0, 12)}`);
}

let current: string | undefined;

/** Set by the e2e build step; startTestSystem serves this directory when set. */
export function useClientDir(dir: string): void {
  current = dir;
}

export function currentClientDir(): string | undefined {
  return current;
}
