// A production build of the dashboard in a private directory (client/dist may be served by tests
// running at the same time), built once per benchmark run and shared by the browser benchmarks;
// runBenchmarks removes it when the run ends.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let built: string | undefined;

/** The build's directory (index.html, assets/). */
export function sharedClientBuild(): string {
  if (built) return built;
  const out = mkdtempSync(path.join(os.tmpdir(), "wm-bench-client-"));
  execFileSync("npx", ["vite", "build", "--config", "client/vite.config.ts", "--outDir", out, "--emptyOutDir", "--logLevel", "error"], { cwd: ROOT, stdio: "pipe" });
  built = out;
  return out;
}

export function removeSharedClientBuild(): void {
  if (built) rmSync(built, { recursive: true, force: true });
  built = undefined;
}
