// Shared setup for the browser tests: the Chromium path, and one client build per test run even
// when several e2e files start in parallel workers (a directory lock; the run's influx URL marks
// which run built client/dist).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ARTIFACTS = path.join(ROOT, "test-artifacts");
const DIST = path.join(ROOT, "client", "dist");
const STAMP = path.join(DIST, ".e2e-build-stamp");
// Outside the repository (nothing to ignore) and outside dist (vite empties it while building).
const LOCK = path.join(os.tmpdir(), `wm-e2e-build-${createHash("sha1").update(ROOT).digest("hex").slice(0, 12)}.lock`);
const STALE_LOCK_MS = 120_000;

export function chromiumPath(): string {
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim() || "/usr/bin/chromium";
  } catch {
    return "/usr/bin/chromium";
  }
}

function readStamp(): string | undefined {
  try {
    return readFileSync(STAMP, "utf8");
  } catch {
    return undefined;
  }
}

/** Builds the dashboard into client/dist (what the server serves) once per `vitest run`. */
export async function buildClientOnce(): Promise<void> {
  const run = inject("influxUrl");
  mkdirSync(ARTIFACTS, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // The holder just released it.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (readStamp() === run) return;
    execFileSync("npx", ["vite", "build", "--config", "client/vite.config.ts", "--logLevel", "error"], { cwd: ROOT, stdio: "pipe" });
    writeFileSync(STAMP, run);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
