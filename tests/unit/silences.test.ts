// Silence matching (issue #19; Alertmanager's equality matchers): which alerts a silence holds, when.
import { describe, expect, it } from "vitest";
import { matchesAll, matchingSilence, silenceMatches, silenceState, type Silence, type SilenceTarget } from "../../common/silences.ts";

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 29, 12);

function silence(over: Partial<Silence> = {}): Silence {
  return { id: 1, station: null, parameter: null, ruleId: null, startsAt: T - HOUR, endsAt: T + HOUR, createdBy: "ana", comment: "probe swap", createdAt: T - HOUR, expiredBy: null, ...over };
}

const ZEHREN_DCF: SilenceTarget = { station: "DE-ELBE-ZEHREN", parameter: "diclofenac", ruleIds: [11, 12, 13] };
const WHOLE_STATION: SilenceTarget = { station: "DE-ELBE-ZEHREN", parameter: null, ruleIds: [2] };

describe("a silence matches an alert", () => {
  it.each<[string, Partial<Silence>, SilenceTarget, number, boolean]>([
    ["station matcher, same station", { station: "DE-ELBE-ZEHREN" }, ZEHREN_DCF, T, true],
    ["station matcher, other station", { station: "DE-ELBE-SCHMILKA" }, ZEHREN_DCF, T, false],
    ["station × parameter, both equal", { station: "DE-ELBE-ZEHREN", parameter: "diclofenac" }, ZEHREN_DCF, T, true],
    ["station × parameter, other parameter", { station: "DE-ELBE-ZEHREN", parameter: "carbamazepine" }, ZEHREN_DCF, T, false],
    ["parameter matcher against a whole-station (no-data) alert", { parameter: "diclofenac" }, WHOLE_STATION, T, false],
    ["rule matcher: one of the rules a grouped alert stands for", { ruleId: 12 }, ZEHREN_DCF, T, true],
    ["rule matcher: a rule the alert does not list", { ruleId: 14 }, ZEHREN_DCF, T, false],
    ["no matcher (confirmed match-all): everything", {}, WHOLE_STATION, T, true],
    ["not yet started", { station: "DE-ELBE-ZEHREN", startsAt: T + 1 }, ZEHREN_DCF, T, false],
    ["at its start", { station: "DE-ELBE-ZEHREN", startsAt: T }, ZEHREN_DCF, T, true],
    ["at its end (exclusive)", { station: "DE-ELBE-ZEHREN", endsAt: T }, ZEHREN_DCF, T, false],
    ["expired early", { station: "DE-ELBE-ZEHREN", endsAt: T - 1, expiredBy: "ben" }, ZEHREN_DCF, T, false],
  ])("%s → %s", (_name, over, target, now, expected) => {
    expect(silenceMatches(silence(over), target, now)).toBe(expected);
  });

  it("picks the matching silence that ends last, so the hold lasts as long as any", () => {
    const short = silence({ id: 1, station: "DE-ELBE-ZEHREN", endsAt: T + HOUR });
    const long = silence({ id: 2, parameter: "diclofenac", endsAt: T + 5 * HOUR });
    const other = silence({ id: 3, station: "DE-ELBE-SCHMILKA", endsAt: T + 9 * HOUR });
    expect(matchingSilence([short, long, other], ZEHREN_DCF, T)?.id).toBe(2);
    expect(matchingSilence([other], ZEHREN_DCF, T)).toBeNull();
  });

  it.each<[number, string]>([
    [T - 2 * HOUR, "pending"],
    [T, "active"],
    [T + HOUR, "expired"],
  ])("at %s is %s", (now, state) => {
    expect(silenceState(silence(), now)).toBe(state);
  });

  it("tells a silence without matchers (it would hold every alert)", () => {
    expect(matchesAll(silence())).toBe(true);
    expect(matchesAll(silence({ ruleId: 3 }))).toBe(false);
  });
});
