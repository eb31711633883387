// POST /api/v1/readings bodies read from their bytes (json-readings.ts) store exactly what the
// JSON.parse path stores, and a body the byte reader must not read as UTF-8 takes the JSON.parse path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEASUREMENT } from "../../common/wire.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { postReadings } from "../helpers/ingest-client.ts";

let system: TestSystem;
let token: string;

beforeAll(async () => {
  system = await startTestSystem();
  token = (await system.stationTokens.create("all stations", ["*"])).token;
});
afterAll(async () => {
  await system?.stop();
});

const HOUR = Date.UTC(2026, 10, 24, 6);

/** One body in the shape the byte reader takes, for `station`: numbers in every JSON form, both kinds of time. */
function body(station: string): string {
  const r = (parameter: string, fields: string) => `{"station":"${station}","parameter":"${parameter}",${fields}}`;
  return `{"readings":[
    ${r("ph", `"time":${HOUR},"value":7.25`)},
    ${r("ph", `"time":${HOUR + 60_000},"value":7.123456789012345678,"uncertainty":0.05`)},
    ${r("ph", `"time":"2026-11-24T07:02:00+01:00","value":-0`)},
    ${r("nitrate", `"time":${HOUR},"value":1.25e1,"unit":"mg/L"`)},
    ${r("nitrate", `"time":"2026-11-24T06:01:00.5Z","value":0.1`)},
    ${r("nitrate", `"sensor":"SIM-${station}-NITRATE","time":1.7955001e12,"value":12345678901234567890`)}
  ]}`;
}

async function stored(station: string): Promise<Array<Record<string, unknown>>> {
  const rows = await system.store.query<Record<string, unknown>>(`SELECT * FROM "${MEASUREMENT}" WHERE station = '${station}' AND time >= ${HOUR}ms AND time < ${HOUR + 3_600_000}ms`);
  return rows.map(({ station: _station, sensor, ...row }) => ({ ...row, sensor: String(sensor).replace(station, "<station>") }));
}

describe("JSON bodies read from their bytes", () => {
  it("store what the JSON.parse path stores", async () => {
    // A byte order mark: body-parser drops it, the byte reader leaves such a body to JSON.parse.
    const [fast, parsed] = await Promise.all([postReadings(system.url, token, body("DE-ELBE-SCHMILKA")), postReadings(system.url, token, `\uFEFF${body("DE-ELBE-DOMMITZSCH")}`)]);
    expect([fast.status, parsed.status]).toEqual([202, 202]);
    expect(await fast.json()).toEqual(await parsed.json());
    await system.writer.drained();
    const rows = await stored("DE-ELBE-SCHMILKA");
    expect(rows).toHaveLength(6);
    expect(rows).toEqual(await stored("DE-ELBE-DOMMITZSCH"));
  });

  it("leave a body in another charset to be decoded as declared", async () => {
    // UTF-7 spells £ "+AKM-": read as UTF-8 bytes the unit would be "+AKM-".
    const res = await postReadings(system.url, token, `{"readings":[{"station":"DE-ELBE-ZEHREN","parameter":"nitrate","time":${HOUR},"value":1,"unit":"+AKM-"}]}`, {
      "content-type": "application/json; charset=utf-7",
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('unit \\"£\\" does not match');
  });
});
