// The server bundle `npm start`, `npm run cluster` and the benchmarks run (scripts/server-bundle.mjs):
// rebuilt once a source is newer than it, its source map beside it under its final name, and the
// bundled server starts on its own and answers (the cluster tests run it too, via startServerProcess).
import { readFileSync, statSync, utimesSync } from "node:fs";
import { afterAll, describe, expect, it, inject } from "vitest";
import { serverBundle } from "../../scripts/server-bundle.mjs";
import { startServerProcess, type ServerProcess } from "../bench/server-process.ts";
import { uniqueDatabase } from "../helpers/test-system.ts";

describe("server bundle", () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("is rebuilt when a source is newer, with its source map named by its final name", async () => {
    const bundle = await serverBundle();
    // As if built before the sources last changed.
    utimesSync(bundle, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(await serverBundle()).toBe(bundle);
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(Date.UTC(2025, 0, 1));
    expect(readFileSync(bundle, "utf8").trimEnd().endsWith("//# sourceMappingURL=main.mjs.map")).toBe(true);
    expect(JSON.parse(readFileSync(`${bundle}.map`, "utf8")).sources).toContain("../src/main.ts");
  }, 60_000);

  it("runs with plain Node (no TypeScript loader) and answers", async () => {
    server = await startServerProcess(inject("influxUrl"), { INFLUX_DATABASE: uniqueDatabase() });
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, "utf8").split("\0");
    expect(cmdline).not.toContain("tsx");
    expect(cmdline.some((arg) => arg.endsWith("server/dist/main.mjs"))).toBe(true);
  }, 60_000);

  it("hands out more station tokens in a row than logins are allowed per minute (one admin session)", async () => {
    // The cluster benchmark takes up to 40 tokens in a row; logins are limited to 20 a minute per address.
    const tokens = [];
    for (let i = 0; i < 25; i++) tokens.push(await server!.stationToken());
    expect(new Set(tokens).size).toBe(25);
  }, 60_000);
});
