#!/usr/bin/env node
// `npm start`: builds the dashboard and the server bundle when missing or older than their sources,
// then runs the server (which starts the managed InfluxDB and the simulator) in this process. `npm run
// cluster` (--cluster): the same build, then scripts/cluster.ts (several instances behind HAProxy).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { newestMtime, serverBundle } from "./server-bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const built = path.join(root, "client", "dist", "index.html");
const sources = Math.max(newestMtime(path.join(root, "client")), newestMtime(path.join(root, "common")));
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  process.stderr.write("Building the dashboard (first start or changed sources)…\n");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "client/vite.config.ts", "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv.includes("--cluster")) {
  // The orchestration script is TypeScript; the instances it starts run the server bundle.
  const { register } = await import("tsx/esm/api");
  register();
  await import("./cluster.ts");
} else {
  // The server bundle (scripts/server-bundle.mjs), built when missing or older than its sources.
  await import(pathToFileURL(await serverBundle()).href);
}
