// Live fan-out per connection (issue #20): a flush sends each connection one packet. A dashboard that
// watches several stations (an overview page, the map) gets the readings of all of them that changed
// in one "readings" event instead of one per station; a station page gets only its station's, in the
// packet shared by the station's room.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { eventually } from "../helpers/alert-system.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { connectLive, type LiveClient } from "../helpers/live-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let token: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  system = await startTestSystem();
  token = (await system.stationTokens.create("coalesce", ["*"])).token;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await system?.stop();
});

/** A client subscribed to `stations`, and the "readings" events it receives. */
async function watcher(stations: string[]): Promise<Reading[][]> {
  const client = await connectLive(system.url);
  clients.push(client);
  const events: Reading[][] = [];
  client.on("readings", (batch) => events.push(batch));
  expect(await client.timeout(5_000).emitWithAck("subscribe", { stations })).toMatchObject({ ok: true });
  return events;
}

describe("live readings, one packet per connection per flush", () => {
  it.each([
    { name: "three stations in one post", watched: 3, posted: 3 },
    { name: "two of three watched stations in one post", watched: 3, posted: 2 },
  ])("$name: the overview client gets one event with all, each station page only its own", async ({ watched, posted }) => {
    const catalog = system.catalog.current();
    const stations = catalog.stations.slice(0, watched).map((s) => s.id);
    const overview = await watcher(stations);
    const pages = await Promise.all(stations.map((s) => watcher([s])));
    const alsoOverview = await watcher(stations);
    const time = Date.now() - 60_000 + watched * 1_000 + posted;
    const readings = stations.slice(0, posted).map((station) => ({ station, parameter: catalog.parametersOf(station)[0]!.code, time: new Date(time).toISOString(), value: 1 }));
    expect((await postReadings(system.url, token, { readings })).status).toBe(202);

    await eventually(() => overview.flat().length === posted && alsoOverview.flat().length === posted, "the overview clients received every reading");
    await eventually(() => pages.slice(0, posted).every((events) => events.flat().length === 1), "each station page received its reading");
    await new Promise((r) => setTimeout(r, 200)); // nothing else follows
    expect(overview).toHaveLength(1);
    expect(alsoOverview).toEqual(overview);
    expect(new Set(overview[0]!.map((r) => r.station))).toEqual(new Set(stations.slice(0, posted)));
    pages.forEach((events, i) => expect(events.flat().map((r) => r.station)).toEqual(i < posted ? [stations[i]] : []));
    for (const events of [overview, alsoOverview, ...pages]) events.length = 0;
  });
});
