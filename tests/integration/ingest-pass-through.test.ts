// Pass-through ingest (/write lines already in the stored form are forwarded with the server's fields
// spliced in) stores exactly what the parsing path stores: the same bodies go to a server with
// pass-through on and one with it off, and their InfluxDB contents are compared point by point,
// tags, every field and time. The pass-through server writes in batches of 7 readings, so a
// request's bytes are split across write batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELD, MEASUREMENT } from "../../common/wire.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";
import { primarySensorId } from "../helpers/catalog.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const STATION = "DE-ELBE-ZEHREN";
const PH_SENSOR = primarySensorId(STATION, "ph");
const CBZ_SENSOR = primarySensorId(STATION, "carbamazepine");
/** Whole minutes two days back: every body's times are fixed, so both servers store the same points. */
const T0 = Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000;
const at = (step: number) => T0 + step * 600_000;
const seconds = (step: number) => at(step) / 1000;

const ph = (step: number, value: string) => `reading,station=${STATION},parameter=ph value=${value} ${at(step)}`;

/** Bodies in the order they are sent; QC sees the same history on both servers. */
const corpus: Array<[name: string, body: string, precision: string]> = [
  ["canonical lines building a history (pass)", [7.5, 7.52, 7.48, 7.5, 7.51, 7.49, 7.5, 7.52].map((v, i) => ph(i, String(v))).join("\n"), "ms"],
  ["canonical: expected-range suspect, sensor-range fail, negative fail, spike", [ph(8, "12.9"), ph(9, "20"), ph(10, "-0.5"), ph(11, "7.5"), ph(12, "10.7")].join("\n"), "ms"],
  [
    "canonical: tags in another order, a named sensor, trailing zeros",
    [
      `reading,parameter=carbamazepine,station=${STATION} value=12.50 ${at(0)}`,
      `reading,sensor=${CBZ_SENSOR},parameter=carbamazepine,station=${STATION} value=0.125 ${at(1)}`,
      `reading,station=${STATION},sensor=${CBZ_SENSOR},parameter=carbamazepine value=1000000 ${at(2)}`,
      `reading,station=${STATION},parameter=carbamazepine,sensor=${CBZ_SENSOR} value=0 ${at(3)}`,
    ].join("\n"),
    "ms",
  ],
  [
    "non-canonical: integer suffix, exponent, plus sign, leading zero, negative zero, bare point",
    [ph(13, "7i"), ph(14, "7.5e0"), ph(15, "+7.4"), ph(16, "07.5"), ph(17, "7."), `reading,station=${STATION},parameter=carbamazepine value=-0.0 ${at(4)}`].join("\n"),
    "ms",
  ],
  [
    "non-canonical: extra tag, escaped tag, other fields and field order, <LOD",
    [
      `reading,station=${STATION},parameter=ph,host=gw1 value=7.3 ${at(18)}`,
      `reading,station=${STATION},parameter=ph,host=gw\\ 1 value=7.2 ${at(19)}`,
      `reading,station=${STATION},parameter=ph uncertainty=0.2,value=7.4 ${at(20)}`,
      `reading,station=${STATION},parameter=carbamazepine lod=0.05,qualifier="<LOD" ${at(5)}`,
    ].join("\n"),
    "ms",
  ],
  ["non-canonical: second precision", `reading,station=${STATION},parameter=ph value=7.5 ${seconds(21)}\nreading,station=${STATION},parameter=ph value=7.6 ${seconds(22)}`, "s"],
  ["non-canonical: nanosecond precision", `reading,station=${STATION},parameter=ph value=7.55 ${at(23)}000123`, "n"],
  [
    "canonical and non-canonical lines mixed, with CRLF, comments and blank lines",
    ["# gateway 7", ph(24, "7.5"), ph(25, "7i"), "", `reading,station=${STATION},parameter=ph,host=x value=7.45 ${at(26)}`, ph(27, "7.47"), `${ph(28, "7.46")}\r`, ph(29, "9.99")].join("\n"),
    "ms",
  ],
  [
    "canonical lines read from the bytes next to canonical lines the byte path leaves to the text path (16 significant digits), CRLF",
    [ph(30, "7.5"), ph(31, "7.512345678901234"), `${ph(32, "7.4")}\r`, ph(33, "7.5123456789012345"), `reading,sensor=${PH_SENSOR},station=${STATION},parameter=ph value=7.49 ${at(34)}`, ph(35, "7.50")].join("\n"),
    "ms",
  ],
];

let passThrough: TestSystem;
let parsing: TestSystem;
const tokens = new Map<TestSystem, string>();

beforeAll(async () => {
  [passThrough, parsing] = await Promise.all([startTestSystem({ WRITE_BATCH_SIZE: "7" }), startTestSystem({ INGEST_PASS_THROUGH: "false" })]);
  for (const system of [passThrough, parsing]) tokens.set(system, (await system.stationTokens.create("gateway", ["*"])).token);
});
afterAll(async () => {
  await Promise.all([passThrough?.stop(), parsing?.stop()]);
});

function write(system: TestSystem, body: string, precision: string): Promise<Response> {
  return fetch(`${system.url}/write?db=${system.config.influx.database}&precision=${precision}`, {
    method: "POST",
    headers: { authorization: `Token ${tokens.get(system)!}` },
    body,
  });
}

/** Every stored point: its columns (tags and fields) and values, in a fixed order. */
async function contents(system: TestSystem): Promise<{ columns: string[]; rows: string[] }> {
  await system.writer.drained();
  const [series] = await system.store.queryValues(`SELECT * FROM "${RETENTION.raw.name}"."${MEASUREMENT}"`);
  return { columns: series?.columns ?? [], rows: (series?.values ?? []).map((v) => JSON.stringify(v)).sort() };
}

describe("pass-through /write stores what the parsing path stores", () => {
  it.each(corpus)("%s", async (_name, body, precision) => {
    const answers = [];
    for (const system of [passThrough, parsing]) {
      const res = await write(system, body, precision);
      answers.push([res.status, await res.text()]);
    }
    expect(answers[0]).toEqual([204, ""]);
    expect(answers[1]).toEqual(answers[0]);
    const [ours, theirs] = [await contents(passThrough), await contents(parsing)];
    expect(ours.columns).toEqual(theirs.columns);
    expect(ours.rows).toEqual(theirs.rows);
  });

  it("stored the corpus with QC flags and derived fields (the comparison is not between two empty databases)", async () => {
    const { columns, rows } = await contents(passThrough);
    const values = rows.map((r) => JSON.parse(r) as unknown[]);
    const column = (name: string) => values.map((v) => v[columns.indexOf(name)]);
    expect(values.length).toBeGreaterThan(30);
    expect(new Set(column(FIELD.qc))).toEqual(new Set([1, 3, 4]));
    expect(column(FIELD.meanValue).filter((v) => v === null).length).toBeGreaterThan(0); // QC fail carries no mean_value
    expect(new Set(column("sensor"))).toEqual(new Set([PH_SENSOR, CBZ_SENSOR]));
  });

  it.each([
    ["an unknown station among canonical lines", `${ph(40, "7.5")}\nreading,station=XX,parameter=ph value=7.5 ${at(41)}\n${ph(42, "7.5")}`, /line 2: unknown station "XX"|unknown station "XX"/],
    ["a line that is not line protocol among canonical lines", `${ph(40, "7.5")}\nreading,station=${STATION},parameter=ph value=7.5 x y\n${ph(42, "7.5")}`, /unable to parse/],
    ["a reading far in the future among canonical lines", `${ph(40, "7.5")}\n${ph(40 + 3 * 144, "7.5")}`, /in the future/],
  ])("refuses %s with the parsing path's 400 and stores nothing", async (_name, body, message) => {
    const before = [await contents(passThrough), await contents(parsing)];
    const answers = [];
    for (const system of [passThrough, parsing]) {
      const res = await write(system, body, "ms");
      answers.push([res.status, await res.json()]);
    }
    expect(answers[0]![0]).toBe(400);
    expect((answers[0]![1] as { error: string }).error).toMatch(message);
    expect(answers[1]).toEqual(answers[0]);
    expect([await contents(passThrough), await contents(parsing)]).toEqual(before);
  });
});
