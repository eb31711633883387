// When an email notice may go out: quiet hours and digest boundaries on the subscriber's wall clock,
// across daylight-saving changes and in zones with half- and quarter-hour offsets.
import { describe, expect, it } from "vitest";
import { deliverAt, isValidTimezone, nextDigestAt, quietUntil, type DeliveryPreferences } from "../../server/src/alerts/delivery-schedule.ts";

const berlinNights: DeliveryPreferences = { digest: null, quietStart: "22:00", quietEnd: "07:00", timezone: "Europe/Berlin" };
const utc = (iso: string): number => Date.parse(`${iso}Z`);

describe("quiet hours", () => {
  it.each<[string, string, string | null]>([
    ["23:00 CET is inside 22:00–07:00; they end at 07:00 the next morning", "2026-01-14T22:00", "2026-01-15T06:00"],
    ["06:59 CET is inside; they end a minute later", "2026-01-15T05:59", "2026-01-15T06:00"],
    ["22:00 CET is the first quiet minute", "2026-01-14T21:00", "2026-01-15T06:00"],
    ["07:00 CET is outside", "2026-01-15T06:00", null],
    ["21:59 CET is outside", "2026-01-14T20:59", null],
    ["the night the clocks spring forward ends at 07:00 CEST, an hour earlier in UTC", "2026-03-28T22:00", "2026-03-29T05:00"],
    ["the night the clocks fall back ends at 07:00 CET, an hour later in UTC", "2026-10-24T21:00", "2026-10-25T06:00"],
  ])("%s", (_name, at, until) => {
    expect(quietUntil(utc(at), berlinNights)).toBe(until === null ? null : utc(until));
  });

  it("a daytime period (12:00–14:00) ends the same day; none is set when start equals end or either is missing", () => {
    const lunch = { ...berlinNights, quietStart: "12:00", quietEnd: "14:00" };
    expect(quietUntil(utc("2026-07-01T11:30"), lunch)).toBe(utc("2026-07-01T12:00")); // 13:30 CEST
    expect(quietUntil(utc("2026-07-01T13:00"), lunch)).toBeNull(); // 15:00 CEST
    expect(quietUntil(utc("2026-07-01T11:30"), { ...lunch, quietEnd: "12:00" })).toBeNull();
    expect(quietUntil(utc("2026-07-01T11:30"), { ...lunch, quietStart: null, quietEnd: null })).toBeNull();
  });
});

describe("digest boundaries", () => {
  it("hourly digests go out on the subscriber's full hour, also with a quarter-hour offset (Asia/Kathmandu, UTC+5:45)", () => {
    expect(nextDigestAt(utc("2026-07-01T04:35"), "hourly", "Asia/Kathmandu")).toBe(utc("2026-07-01T05:15")); // 10:20 → 11:00
    expect(nextDigestAt(utc("2026-07-01T05:15"), "hourly", "Asia/Kathmandu")).toBe(utc("2026-07-01T06:15")); // strictly after
  });

  it("daily digests go out at the subscriber's midnight, also on the day the clocks fall back", () => {
    expect(nextDigestAt(utc("2026-10-24T13:00"), "daily", "Europe/Berlin")).toBe(utc("2026-10-24T22:00")); // 00:00 CEST
    expect(nextDigestAt(utc("2026-10-25T13:00"), "daily", "Europe/Berlin")).toBe(utc("2026-10-25T23:00")); // 00:00 CET
  });

  it("a digest due during quiet hours waits for their end; without a digest, a notice outside them goes at once", () => {
    const daily = { ...berlinNights, digest: "daily" as const };
    expect(deliverAt(utc("2026-01-14T13:00"), daily)).toBe(utc("2026-01-15T06:00")); // midnight is quiet: 07:00
    expect(deliverAt(utc("2026-01-14T13:00"), berlinNights)).toBe(utc("2026-01-14T13:00"));
    expect(deliverAt(utc("2026-01-14T13:00"), { ...daily, quietStart: null, quietEnd: null })).toBe(utc("2026-01-14T23:00"));
  });

  it("knows IANA time zones and refuses made-up ones", () => {
    expect(isValidTimezone("Asia/Kolkata")).toBe(true);
    expect(isValidTimezone("Mars/Olympus")).toBe(false);
  });
});
