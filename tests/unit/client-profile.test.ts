// The river profile's pure part: which rivers can be drawn, each station's value at an instant
// (newest reading at or before it, not older than the limit, failed readings skipped), the maximum
// and the slider's steps.
import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "../../common/api-types.ts";
import { QC } from "../../common/reading.ts";
import { profileAt, profileMaximum, profileRivers, profileSteps } from "../../client/src/profile/profile-data.ts";
import { seed } from "../helpers/catalog.ts";

const MIN = 60_000;
const stations = [
  { id: "A", km: 4.1 },
  { id: "B", km: 89.6 },
];

describe("profile data", () => {
  it("draws the rivers with two or more stations that have a river kilometre, in flow order", () => {
    const rivers = profileRivers(seed);
    expect(rivers.map((r) => [r.river, r.stations.map((s) => s.id)])).toEqual([
      ["elbe", ["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH"]],
      ["yangtze", ["CN-YANGTZE-CHAOTIANMEN", "CN-YANGTZE-CUNTAN"]],
    ]);
  });

  it.each<[string, SeriesPoint[], number, number | null, number | null]>([
    // case, A's points, instant, A's value, A's time
    ["the newest reading at or before the instant", [{ t: 0, v: 10 }, { t: 10 * MIN, v: 20 }, { t: 20 * MIN, v: 30 }], 15 * MIN, 20, 10 * MIN],
    ["exactly at a reading", [{ t: 0, v: 10 }, { t: 10 * MIN, v: 20 }], 10 * MIN, 20, 10 * MIN],
    ["nothing before the instant", [{ t: 10 * MIN, v: 20 }], 5 * MIN, null, null],
    ["older than 30 minutes says nothing", [{ t: 0, v: 10 }], 31 * MIN, null, null],
    ["a failed reading is skipped for the one before", [{ t: 0, v: 10 }, { t: 10 * MIN, v: 999, qc: QC.fail }], 12 * MIN, 10, 0],
  ])("%s", (_, points, t, value, time) => {
    const [a] = profileAt(stations, new Map([["A", points]]), t, 30 * MIN);
    expect(a).toMatchObject({ station: "A", km: 4.1, value, time });
  });

  it("keeps a censored reading as such, and finds the highest quantified value", () => {
    const points = new Map<string, SeriesPoint[]>([
      ["A", [{ t: 0, v: null, qualifier: "<LOQ", limit: 5 }]],
      ["B", [{ t: 0, v: 40 }]],
    ]);
    const profile = profileAt(stations, points, MIN, 30 * MIN);
    expect(profile[0]).toMatchObject({ value: null, qualifier: "<LOQ", limit: 5, time: 0 });
    expect(profileMaximum(profile)?.station).toBe("B");
    expect(profileMaximum(profileAt(stations, new Map(), MIN, 30 * MIN))).toBeUndefined();
  });

  it("steps every 10 minutes on the clock, ending at the range's end", () => {
    expect(profileSteps(5 * MIN, 31 * MIN, 10 * MIN)).toEqual([10 * MIN, 20 * MIN, 30 * MIN, 31 * MIN]);
    expect(profileSteps(10 * MIN, 30 * MIN, 10 * MIN)).toEqual([10 * MIN, 20 * MIN, 30 * MIN]);
  });
});
