// Responses are compressed for clients that accept it — the catalog, latest values, the dashboard's
// files — while exports stream as they are and small answers are not worth the CPU.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogResponse } from "../../common/api-types.ts";
import { authHeaders } from "../helpers/auth.ts";
import { call } from "../helpers/catalog-api.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let viewer: Record<string, string>;
let researcher: Record<string, string>;
const clientDir = mkdtempSync(path.join(os.tmpdir(), "wm-test-client-"));
// A dashboard page of a realistic size (the built one is a few kB).
const PAGE = `<!doctype html><html><head><title>Water Monitor</title></head><body>${"<div class=card></div>".repeat(300)}</body></html>`;
beforeAll(async () => {
  writeFileSync(path.join(clientDir, "index.html"), PAGE);
  system = await startTestSystem({}, undefined, { clientDir });
  viewer = await authHeaders(system, "viewer");
  researcher = await authHeaders(system, "researcher");
});
afterAll(async () => {
  await system?.stop();
  rmSync(clientDir, { recursive: true, force: true });
});

/** The raw response: node:http does not decompress, so we see what went over the wire. */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; encoding: string | undefined; etag?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${system.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, encoding: res.headers["content-encoding"], etag: res.headers.etag, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("response compression", () => {
  it("gzips the catalog for a client that accepts it, to the same JSON", async () => {
    const plain = await raw("/api/v1/catalog", viewer);
    const zipped = await raw("/api/v1/catalog", { ...viewer, "accept-encoding": "gzip" });
    expect([plain.status, plain.encoding, zipped.status, zipped.encoding]).toEqual([200, undefined, 200, "gzip"]);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 4);
    expect(JSON.parse(gunzipSync(zipped.body).toString("utf8"))).toEqual(JSON.parse(plain.body.toString("utf8")));
  });

  it("sends the current catalog as made once per version: 304 for the copy a client has, the new one after an edit", async () => {
    const first = await raw("/api/v1/catalog", { ...viewer, "accept-encoding": "gzip" });
    const again = await raw("/api/v1/catalog", { ...viewer, "accept-encoding": "gzip" });
    expect(again.body.equals(first.body)).toBe(true);
    expect(first.etag).toMatch(/^W\/"/);
    const plain = await raw("/api/v1/catalog", viewer);
    expect(plain.etag).toBe(first.etag);
    const unchanged = await raw("/api/v1/catalog", { ...viewer, "accept-encoding": "gzip", "if-none-match": first.etag! });
    expect([unchanged.status, unchanged.body.length]).toEqual([304, 0]);

    const admin = await authHeaders(system, "admin");
    const edited = await call(system, "PATCH", "/api/v1/catalog/rivers/elbe", admin, { name: { en: "Elbe (edited)", de: "Elbe (bearbeitet)", zh: "易北河（已编辑）" } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const after = await raw("/api/v1/catalog", { ...viewer, "accept-encoding": "gzip", "if-none-match": first.etag! });
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(first.etag);
    const body = JSON.parse(gunzipSync(after.body).toString("utf8")) as CatalogResponse;
    expect(body.version).toBe(system.catalog.current().version);
    expect(body.catalog.rivers.find((r) => r.id === "elbe")?.name.en).toBe("Elbe (edited)");
  });

  it("gzips the dashboard's page", async () => {
    const page = await raw("/", { "accept-encoding": "gzip" });
    expect([page.status, page.encoding]).toEqual([200, "gzip"]);
    expect(gunzipSync(page.body).toString("utf8")).toBe(PAGE);
  });

  it("streams exports uncompressed and leaves small answers alone", async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const exported = await raw(`/api/v1/export?stations=DE-ELBE-ZEHREN&parameters=ph&from=${from}&to=${new Date().toISOString()}&format=csv`, {
      ...researcher,
      "accept-encoding": "gzip",
    });
    expect([exported.status, exported.encoding]).toEqual([200, undefined]);
    const health = await raw("/api/health", { "accept-encoding": "gzip" });
    expect(health.encoding).toBeUndefined();
  });
});
