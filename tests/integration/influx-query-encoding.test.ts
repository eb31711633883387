// The store's whole-answer queries ask InfluxDB for MessagePack (influx/query-request.ts) and read a
// JSON answer from a server that does not speak it; both must give the same rows, errors included.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InfluxReadingStore, StorageRejectedError, type SeriesValues } from "../../server/src/influx/store.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { startHttpRecorder, type HttpRecorder } from "../helpers/http-recorder.ts";
import { testLogger, uniqueDatabase } from "../helpers/test-system.ts";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

describe("InfluxDB query answers: MessagePack and JSON", () => {
  const database = uniqueDatabase();
  let msgpack: HttpRecorder;
  let json: HttpRecorder;
  const store = (url: string) => new InfluxReadingStore({ url, database, logger: testLogger });

  beforeAll(async () => {
    msgpack = await startHttpRecorder(inject("influxUrl"));
    json = await startHttpRecorder(inject("influxUrl"), { dropHeaders: ["accept"] });
    // Integers, floats with and without a fraction, a large float, strings, nulls, two series.
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      const station = i % 2 === 0 ? "DE-A" : "DE-B";
      const value = i === 7 ? 12345678901.25 : i % 3 === 0 ? i : i + 0.5;
      const qualifier = i % 5 === 0 ? `,${FIELD.qualifier}="<LOD"` : "";
      lines.push(`${MEASUREMENT},${TAG.station}=${station},${TAG.parameter}=DCF ${FIELD.value}=${value},${FIELD.qc}=${i % 4}i${qualifier} ${T0 + i * HOUR}`);
    }
    await store(inject("influxUrl")).writeLines("raw", lines.join("\n"));
  });

  afterAll(async () => {
    await msgpack?.close();
    await json?.close();
  });

  const statements = [
    `SELECT * FROM "raw"."${MEASUREMENT}" ORDER BY time ASC`,
    `SELECT mean("${FIELD.value}"), count("${FIELD.value}"), max("${FIELD.qc}") FROM "raw"."${MEASUREMENT}" WHERE time >= ${T0}ms AND time < ${T0 + 30 * HOUR}ms GROUP BY time(6h), "${TAG.station}" fill(none)`,
    `SELECT "${FIELD.value}" FROM "raw"."${MEASUREMENT}" WHERE "${TAG.station}" = 'nowhere'`,
  ];

  it("reads the same rows from either encoding, and asks for MessagePack", async () => {
    const viaMsgpack = await store(msgpack.url).queryEach(statements);
    const viaJson = await store(json.url).queryEach(statements);
    const queries = (r: HttpRecorder) => r.requests.filter((q) => q.url.startsWith("/query"));
    expect(queries(msgpack).at(-1)?.answeredAs).toBe("application/x-msgpack");
    expect(queries(json).at(-1)?.answeredAs).toBe("application/json");
    expect(viaMsgpack).toEqual(viaJson);
    const all: SeriesValues[] = viaMsgpack[0]!;
    expect(all[0]!.values).toHaveLength(30);
    expect(all[0]!.values[7]).toContain(12345678901.25);
    expect(viaMsgpack[1]!.map((s) => s.tags?.[TAG.station])).toEqual(["DE-A", "DE-B"]);
    expect(viaMsgpack[2]).toEqual([]);
  });

  it("reports InfluxDB's error message from either encoding", async () => {
    for (const url of [msgpack.url, json.url]) {
      const failing = store(url).queryEach([`SELECT nonsense FROM`]);
      await expect(failing).rejects.toBeInstanceOf(StorageRejectedError);
      await expect(failing).rejects.toThrow(/error parsing query/);
    }
  });
});
