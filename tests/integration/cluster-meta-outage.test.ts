// PostgreSQL (DATABASE_URL) going down under a running server (issue #21): requests that need the
// metadata answer 503 with Retry-After and a JSON error instead of 500 or hanging; ingest from
// stations whose tokens are known goes on; once PostgreSQL is back the server answers again, and
// leads again, without a restart. A PostgreSQL of the test's own, stopped and started.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { SqlStationTokenRepository, REVALIDATE_MS } from "../../server/src/auth/station-tokens.ts";
import { MetaUnavailableError } from "../../server/src/errors.ts";
import { openMetaStore } from "../../server/src/meta/open.ts";
import { eventually } from "../helpers/alert-system.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings, reading } from "../helpers/ingest-client.ts";
import { TestPostgresServer } from "../helpers/postgres-server.ts";
import { startTestSystem, tempDir, type TestSystem } from "../helpers/test-system.ts";

let postgres: TestPostgresServer;

beforeAll(async () => {
  postgres = await TestPostgresServer.start();
});
afterAll(async () => {
  await postgres?.stop();
});

async function newDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgres.url() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgres.url(name);
}

describe("while PostgreSQL is down", () => {
  let system: TestSystem;

  afterAll(async () => {
    await system?.stop();
  });

  it("the API answers 503 with Retry-After, ingest goes on, and all recovers once PostgreSQL is back", async () => {
    system = await startTestSystem({ DATABASE_URL: await newDatabase("wm_outage_api") });
    const headers = await authHeaders(system, "admin");
    const token = (await system.stationTokens.create("outage", ["*"])).token;
    expect((await postReadings(system.url, token, { readings: [reading({ value: 100 })] })).status).toBe(202);
    expect((await fetch(`${system.url}/api/v1/alerts`, { headers })).status).toBe(200);
    expect(((await (await fetch(`${system.url}/api/health`)).json()) as { role: string }).role).toBe("leader");

    await postgres.pause();
    const started = Date.now();
    const res = await fetch(`${system.url}/api/v1/alerts`, { headers });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("metadata_unavailable");
    expect(body.error.message).toMatch(/metadata database \(PostgreSQL\) is unavailable/);
    // A known station's readings are still taken (its token was verified before the outage).
    expect((await postReadings(system.url, token, { readings: [reading({ value: 101 })] })).status).toBe(202);
    // The leader's lock went with its session: it stands by until it holds it again.
    await eventually(async () => ((await (await fetch(`${system.url}/api/health`)).json()) as { role: string }).role === "standby", "the instance to stand by", 10_000);

    await postgres.resume();
    await eventually(async () => (await fetch(`${system.url}/api/v1/alerts`, { headers })).status === 200, "the API to answer again", 20_000);
    await eventually(async () => ((await (await fetch(`${system.url}/api/health`)).json()) as { role: string }).role === "leader", "the instance to lead again", 20_000);
    expect((await postReadings(system.url, token, { readings: [reading({ value: 102 })] })).status).toBe(202);
  });

  it("a station token verified before the outage still verifies after it went stale; an unknown one is 'unavailable', not 'unknown'", async () => {
    const dir = tempDir("wm-test-outage-");
    const meta = await openMetaStore(dir.dir, { databaseUrl: await newDatabase("wm_outage_tokens") });
    try {
      let now = Date.UTC(2026, 5, 1);
      const tokens = new SqlStationTokenRepository(meta.db, () => new Date(now));
      const { token } = await tokens.create("gauge", ["DE-ELBE-ZEHREN"]);
      expect((await tokens.verify(token))?.canWrite("DE-ELBE-ZEHREN")).toBe(true);
      await postgres.pause();
      try {
        now += REVALIDATE_MS + 1;
        expect((await tokens.verify(token))?.canWrite("DE-ELBE-ZEHREN")).toBe(true);
        await expect(tokens.verify("wmst_never-seen")).rejects.toThrow(MetaUnavailableError);
      } finally {
        await postgres.resume();
      }
    } finally {
      await meta.close();
      dir.remove();
    }
  });
});
