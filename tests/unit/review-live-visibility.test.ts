// Live visibility while the metadata database cannot answer (issue #21, PostgreSQL down): the
// settings and embargoes read last go on deciding who receives which live readings, embargoes judged
// against the time now; without an earlier read, or on any other failure, the error stands.
import { describe, expect, it } from "vitest";
import type { RuntimeSettings } from "../../common/auth-types.ts";
import type { EmbargoInfo } from "../../common/review.ts";
import { StaticCatalogSource } from "../../server/src/catalog/catalog-source.ts";
import { seedCatalog } from "../../server/src/catalog/seed.ts";
import { MetaUnavailableError } from "../../server/src/errors.ts";
import { LiveVisibility } from "../../server/src/review/live-visibility.ts";
import { ManualTime } from "../../server/src/util/clock.ts";

const catalog = seedCatalog();
const STATION = "DE-ELBE-ZEHREN";
const SERIES = { station: STATION, sensor: catalog.primarySensor(STATION, "carbamazepine", Date.UTC(2026, 0, 1))!.id };
const SETTINGS: RuntimeSettings = { publicDashboard: true, releaseLevel: "raw", publicProvisional: false };
/** Another organisation holds the station's readings back until t = 5,000. */
const EMBARGO: EmbargoInfo = { id: 1, organisation: "other-agency", target: { kind: "station", id: STATION }, until: 5_000, reason: "unpublished study", at: 0, by: "steward" };

type Database = "up" | "down" | "broken";

function visibility(time: ManualTime) {
  const db = { state: "up" as Database };
  const answer = async <T>(value: T): Promise<T> => {
    if (db.state === "down") throw new MetaUnavailableError("The metadata database (PostgreSQL) is unavailable", 5);
    if (db.state === "broken") throw new Error("relation \"settings\" does not exist");
    return value;
  };
  const live = new LiveVisibility({ get: () => answer(SETTINGS) }, { embargoes: () => answer([EMBARGO]) }, new StaticCatalogSource(catalog), time);
  return { db, live };
}

/** Whether an anonymous watcher of the station receives its live readings at `now`. */
async function outsiderReceives(live: LiveVisibility): Promise<boolean> {
  return (await live.rules()).receives({ admin: false, organisations: [] }, SERIES);
}

describe("LiveVisibility while the metadata database cannot answer", () => {
  it.each([
    { case: "read while up: the embargo holds", readFirst: true, database: "up", at: 3_000, expected: false },
    { case: "down after a read: the rules read last, embargo still on", readFirst: true, database: "down", at: 3_000, expected: false },
    { case: "down after a read: an embargo that ended meanwhile no longer holds", readFirst: true, database: "down", at: 6_000, expected: true },
    { case: "down and never read: the error stands", readFirst: false, database: "down", at: 3_000, expected: "rejects" },
    { case: "another failure after a read: the error stands", readFirst: true, database: "broken", at: 3_000, expected: "rejects" },
  ] as const)("$case", async ({ readFirst, database, at, expected }) => {
    const time = new ManualTime(1_000);
    const { db, live } = visibility(time);
    if (readFirst) expect(await outsiderReceives(live)).toBe(false);
    db.state = database;
    time.set(at);
    if (expected === "rejects") await expect(outsiderReceives(live)).rejects.toThrow();
    else expect(await outsiderReceives(live)).toBe(expected);
  });
});
