#!/usr/bin/env node
// Runs before `npm start`, `npm test` and `npm run bench`: makes sure node_modules and the
// Debian packages Water Monitor needs are present, installing them when it can (root + apt),
// and otherwise stops with a message saying exactly what to install or which variable to set.
// Fast when everything is there: a few `stat` calls and PATH look-ups.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lifecycle = process.env.npm_lifecycle_event ?? "";
const forTests = lifecycle === "pretest" || lifecycle === "bench" || process.argv.includes("--test");
// `npm run cluster`: PostgreSQL, Redis and HAProxy besides influxd (scripts/cluster.ts).
const forCluster = process.argv.includes("--cluster");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function fail(message) {
  process.stderr.write(`\nWater Monitor setup: ${message}\n\n`);
  process.exit(1);
}

function onPath(cmd) {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, cmd)));
}

/** Daemons such as haproxy live in /usr/sbin, which is not on every user's PATH. */
const installed = (cmd) => onPath(cmd) || existsSync(path.join("/usr/sbin", cmd));

function run(cmd, args, env = {}) {
  process.stderr.write(`Water Monitor setup: ${cmd} ${args.join(" ")}\n`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });
  return result.status === 0;
}

// 1. node_modules, installed from the lockfile when absent or older than the lockfile.
const marker = path.join(root, "node_modules", ".package-lock.json");
const lock = path.join(root, "package-lock.json");
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  if (!run("npm", ["ci", "--no-audit", "--no-fund"])) fail("`npm ci` failed; see the output above.");
}

// 2. Debian packages.
const needed = [];
const needInfluxd = forTests || forCluster || !process.env.INFLUX_URL;
if (needInfluxd && !onPath(process.env.INFLUXD_BINARY ?? "influxd")) needed.push("influxdb", "influxdb-client");
if (forTests && !onPath("chromium")) needed.push("chromium");
// The tests run the metadata repositories on PostgreSQL 15 too (tests/helpers/postgres-server.ts);
// Debian's server binaries are not on PATH.
if ((forTests || forCluster) && !existsSync("/usr/lib/postgresql/15/bin/initdb")) needed.push("postgresql");
// Several instances (tests/integration/cluster-redis.test.ts, `npm run cluster`): Redis and HAProxy.
if ((forTests || forCluster) && !installed("redis-server")) needed.push("redis-server");
if ((forTests || forCluster) && !installed("haproxy")) needed.push("haproxy");

if (needed.length > 0) {
  const hint =
    `Install the Debian packages with: sudo apt-get install -y ${needed.join(" ")}` +
    (forTests ? "" : `\nor point Water Monitor at an existing InfluxDB 1.x with INFLUX_URL=http://host:8086`);
  if (!isRoot || !onPath("apt-get")) fail(`missing ${needed.join(", ")}.\n${hint}`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  if (!run("apt-get", ["update"], env) || !run("apt-get", ["install", "-y", "--no-install-recommends", ...needed], env)) {
    fail(`installing ${needed.join(", ")} failed.\n${hint}`);
  }
  // The Debian packages may start their own influxd, PostgreSQL, Redis and HAProxy services; Water
  // Monitor and its tests run their own instances.
  try {
    execFileSync("bash", ["-c", "command -v service >/dev/null && { service influxdb stop; service postgresql stop; service redis-server stop; service haproxy stop; } >/dev/null 2>&1 || true"]);
  } catch {
    // no service manager: nothing was started
  }
}
