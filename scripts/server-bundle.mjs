// The server as one ES module (server/dist/*.mjs), built with esbuild when missing or older than its
// sources. `npm start`, `npm run cluster` and the benchmarks run it with plain Node: the TypeScript
// loader (tsx) that running the sources needs holds some 100 MB of a server's memory. Packages stay
// in node_modules (not bundled). The source map sits beside the bundle (<name>.mjs.map): stack traces
// name the bundle's lines and functions unless Node runs with --enable-source-maps (NODE_OPTIONS),
// which maps them to the TypeScript but holds the map in memory (some 60 MB).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** What the server is built from (it runs the simulator in-process). */
const SOURCES = ["server/src", "common", "sensors-sim/src", "package.json", "package-lock.json"];

/** The newest modification time of a file, or of anything in a folder (builds and node_modules aside). */
export function newestMtime(file) {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(file)) {
    if (entry !== "dist" && entry !== "node_modules") newest = Math.max(newest, newestMtime(path.join(file, entry)));
  }
  return newest;
}

/**
 * The bundle of `entry` (a path from the repository root) at server/dist/<name>.mjs, rebuilt when a
 * source is newer. Several processes may call it at once: each writes its own file and renames it
 * into place, so a reader never sees a half-written bundle.
 */
export async function serverBundle(entry = "server/src/main.ts", name = "main") {
  const outfile = path.join(ROOT, "server", "dist", `${name}.mjs`);
  mkdirSync(path.dirname(outfile), { recursive: true });
  const sources = [...SOURCES, entry].map((s) => path.join(ROOT, s)).filter((s) => existsSync(s));
  if (existsSync(outfile) && statSync(outfile).mtimeMs >= Math.max(...sources.map(newestMtime))) return outfile;
  // Built under its final name in a directory of this process's own, then moved into place; a
  // sibling of server/dist, so the map's relative source paths hold in both.
  const tempDir = mkdtempSync(path.join(ROOT, "server", `.build-${name}-`));
  const temp = path.join(tempDir, `${name}.mjs`);
  // Loaded only to build: a start with a fresh bundle does without it.
  const { build } = await import("esbuild");
  await build({
    entryPoints: [path.join(ROOT, entry)],
    outfile: temp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
  // The map first: the bundle names it by its final name.
  renameSync(`${temp}.map`, `${outfile}.map`);
  renameSync(temp, outfile);
  rmSync(tempDir, { recursive: true, force: true });
  return outfile;
}
