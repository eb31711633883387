// A crash must not lose what the server acknowledged: readings answered with 202/204 but still in
// the write queue when the server is killed (SIGKILL, as by the OOM killer or a power cut) are in
// InfluxDB after the next start, from the journal. Runs the server as a child process so it can
// really be killed.
import { afterEach, describe, expect, inject, it } from "vitest";
import { startServerProcess, waitForDrain, type ServerProcess } from "../bench/server-process.ts";
import { uniqueDatabase } from "../helpers/test-system.ts";

const processes: ServerProcess[] = [];
afterEach(async () => {
  // The last one removes the shared data dir.
  for (const p of processes.splice(0)) await p.stop();
});

async function countIn(influxUrl: string, database: string): Promise<number> {
  const q = new URLSearchParams({ db: database, q: 'SELECT count("qc") FROM "raw"."reading"' });
  const body = (await (await fetch(`${influxUrl}/query?${q}`)).json()) as { results: Array<{ series?: Array<{ values: Array<[string, number]> }> }> };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

describe("acknowledged readings survive a server crash", () => {
  it("readings answered 202/204 and killed in the write queue reach InfluxDB after the restart", async () => {
    const influxUrl = inject("influxUrl");
    const database = uniqueDatabase();
    // Nothing is written by itself for ten minutes: every accepted reading stays in the queue.
    const env = { INFLUX_DATABASE: database, WRITE_FLUSH_MS: "600000", WRITE_BATCH_SIZE: "50000" };
    const first = await startServerProcess(influxUrl, env);
    processes.push(first);
    const token = await first.stationToken();
    const start = Date.now() - 3 * 86_400_000;
    for (let batch = 0; batch < 3; batch++) {
      const readings = Array.from({ length: 1_000 }, (_, i) => ({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time: start + (batch * 1_000 + i) * 60_000, value: 40 + (i % 17) }));
      const res = await fetch(`${first.url}/api/v1/readings`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ readings }) });
      expect(res.status).toBe(202);
    }
    const lines = Array.from({ length: 500 }, (_, i) => `reading,station=DE-ELBE-ZEHREN,parameter=diclofenac value=${i % 50} ${start + i * 60_000}`).join("\n");
    const written = await fetch(`${first.url}/write?db=${database}&precision=ms`, { method: "POST", headers: { authorization: `Token ${token}` }, body: lines });
    expect(written.status).toBe(204);

    const health = (await (await fetch(`${first.url}/api/health`)).json()) as { writeQueue: { queueDepth: number; writtenPoints: number; journalBytes: number } };
    expect(health.writeQueue).toMatchObject({ queueDepth: 3_500, writtenPoints: 0 });
    expect(health.writeQueue.journalBytes).toBeGreaterThan(3_500 * 50);
    expect(await countIn(influxUrl, database)).toBe(0);

    await first.kill();
    const second = await startServerProcess(influxUrl, { INFLUX_DATABASE: database }, [], first.dataDir);
    processes.unshift(second); // stopped first; `first.stop()` then removes the data dir
    await waitForDrain(second.url, 30_000);
    expect(await countIn(influxUrl, database)).toBe(3_500);
  });
});
