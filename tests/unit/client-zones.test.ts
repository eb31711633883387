// Time zones the dashboard offers (issue #19): station time, UTC, the browser's, and CET all year
// (UTC+1 without summer time, as German hydrological data are kept): which zone a page and a list
// use, and what the headers call it.
import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../client/src/format.ts";
import { CET_ALL_YEAR, listZone, resolveZone, zoneName, type ZoneMode } from "../../client/src/state.ts";

const SUMMER = Date.UTC(2026, 6, 1, 10); // 1 July 2026, 10:00 UTC: 12:00 summer time in Saxony
const WINTER = Date.UTC(2026, 0, 15, 10);

describe("zones", () => {
  it.each<[ZoneMode, string | undefined, string | undefined]>([
    // mode, a station page's zone (station in Europe/Berlin), a list's zone
    ["station", "Europe/Berlin", undefined],
    ["utc", "UTC", "UTC"],
    ["cet", CET_ALL_YEAR, CET_ALL_YEAR],
    ["local", undefined, undefined],
  ])("%s: station pages in %s, lists in %s", (mode, page, list) => {
    expect(resolveZone(mode, "Europe/Berlin")).toBe(page);
    expect(listZone(mode)).toBe(list);
  });

  it("CET all year is UTC+1 in summer too, one hour behind Saxony's summer time", () => {
    expect(formatDateTime(SUMMER, "de", CET_ALL_YEAR, false)).toBe("01.07.2026, 11:00");
    expect(formatDateTime(SUMMER, "de", "Europe/Berlin", false)).toBe("01.07.2026, 12:00");
    expect(formatDateTime(WINTER, "de", CET_ALL_YEAR, false)).toBe(formatDateTime(WINTER, "de", "Europe/Berlin", false));
  });

  it("names CET all year by its offset in headers, other zones by their IANA name", () => {
    expect(zoneName(CET_ALL_YEAR)).toBe("UTC+1 (CET)");
    expect(zoneName("UTC")).toBe("UTC");
    expect(zoneName("Asia/Shanghai")).toBe("Asia/Shanghai");
  });
});
