// One alert per breach (issue #19), the pure part: which state changes share an alert, which
// breached standard leads it and what severity it gets, and how breaches join and clear.
import { describe, expect, it } from "vitest";
import type { AlertRule } from "../../common/alerts.ts";
import { alertSeverity, clearBreach, groupChanges, groupKeyOf, strictestFirst, withBreaches, type StoredBreach } from "../../server/src/alerts/breach-grouping.ts";

const DAY = 86_400_000;
const SERIES = "DE-ELBE-ZEHREN\tdiclofenac\tSIM-DE-ELBE-ZEHREN-DICLOFENAC";
const OTHER_SENSOR = "DE-ELBE-ZEHREN\tdiclofenac\tKSI-DCF-P2";

type RuleFacts = Pick<AlertRule, "id" | "kind" | "windowMs" | "grouping">;
const rule = (id: number, kind: AlertRule["kind"], over: Partial<RuleFacts> = {}): RuleFacts => ({
  id,
  kind,
  windowMs: kind === "aa" ? 30 * DAY : kind === "no-data" ? 3_600_000 : null,
  grouping: "per-breach",
  ...over,
});

function breach(ruleId: number, over: Partial<StoredBreach> = {}): StoredBreach {
  return {
    ruleId,
    ruleName: `rule ${ruleId}`,
    kind: "aa",
    standardId: null,
    standardKind: "AA-EQS",
    standardSource: `S${ruleId}`,
    legalStatus: "proposal",
    threshold: 40,
    low: null,
    high: null,
    severity: "info",
    since: 0,
    clearedAt: null,
    ...over,
  };
}

describe("grouping of simultaneous breaches", () => {
  it.each<[string, Array<[RuleFacts, string]>, number[][]]>([
    ["three AA-EQS of one compound at one series (EU, UBA, Swiss): one alert", [[rule(1, "aa"), SERIES], [rule(2, "aa"), SERIES], [rule(3, "aa"), SERIES]], [[1, 2, 3]]],
    ["several MAC-EQS at one series: one alert", [[rule(1, "mac"), SERIES], [rule(2, "mac"), SERIES]], [[1, 2]]],
    ["the same rules at two sensors: one alert each", [[rule(1, "aa"), SERIES], [rule(2, "aa"), SERIES], [rule(1, "aa"), OTHER_SENSOR]], [[1, 2], [1]]],
    ["a MAC-EQS and an AA-EQS (single value and mean are different conditions): apart", [[rule(1, "mac"), SERIES], [rule(2, "aa"), SERIES]], [[1], [2]]],
    ["AA rules over different windows (different means): apart", [[rule(1, "aa"), SERIES], [rule(2, "aa", { windowMs: 60 * DAY }), SERIES]], [[1], [2]]],
    ["a rule set to per-standard: its own alert", [[rule(1, "aa"), SERIES], [rule(2, "aa", { grouping: "per-standard" }), SERIES], [rule(3, "aa"), SERIES]], [[1, 3], [2]]],
    ["two no-data rules (no standards): apart", [[rule(1, "no-data"), "DE-ELBE-ZEHREN"], [rule(2, "no-data"), "DE-ELBE-ZEHREN"]], [[1], [2]]],
    ["two sensor-fault rules: apart", [[rule(1, "sensor-fault", { windowMs: null }), SERIES], [rule(2, "sensor-fault", { windowMs: null }), SERIES]], [[1], [2]]],
  ])("%s", (_name, changes, expected) => {
    const groups = groupChanges(changes.map(([r, seriesKey]) => ({ rule: r, seriesKey })));
    expect(groups.map((g) => g.changes.map((c) => c.rule.id))).toEqual(expected);
  });

  it("gives a per-breach rule's later breach the same key as the open alert's, and a per-standard rule its own", () => {
    expect(groupKeyOf(rule(1, "aa"), SERIES)).toBe(groupKeyOf(rule(9, "aa"), SERIES));
    expect(groupKeyOf(rule(1, "aa", { grouping: "per-standard" }), SERIES)).not.toBe(groupKeyOf(rule(9, "aa", { grouping: "per-standard" }), SERIES));
  });
});

describe("severity choice and the leading standard", () => {
  it.each<[string, StoredBreach[], string, number]>([
    ["three proposals: informs, the most demanding limit leads", [breach(2, { threshold: 50 }), breach(1, { threshold: 40 }), breach(3, { threshold: 50 })], "info", 1],
    [
      "EU and UBA proposals with the binding Swiss ordinance: the binding one leads and sets the severity",
      [breach(1, { threshold: 40 }), breach(2, { threshold: 50 }), breach(3, { threshold: 50, legalStatus: "binding", severity: "warning" })],
      "warning",
      3,
    ],
    ["a binding MAC-EQS among proposals: critical", [breach(1, { kind: "mac", severity: "info" }), breach(2, { kind: "mac", legalStatus: "binding", severity: "critical" })], "critical", 2],
    [
      "two binding standards: the stricter limit leads",
      [breach(1, { legalStatus: "binding", severity: "warning", threshold: 120 }), breach(2, { legalStatus: "binding", severity: "warning", threshold: 100 })],
      "warning",
      2,
    ],
    [
      "adopted-not-transposed before proposal at equal severity",
      [breach(1, { legalStatus: "proposal", severity: "warning", threshold: 10 }), breach(2, { legalStatus: "adopted-not-transposed", severity: "warning", threshold: 50 })],
      "warning",
      2,
    ],
    ["an operator's rule made critical by hand outranks a binding warning", [breach(1, { legalStatus: "binding", severity: "warning" }), breach(2, { legalStatus: null, standardKind: null, severity: "critical" })], "critical", 2],
    ["a lower limit: the higher minimum is the stricter", [breach(1, { kind: "min", threshold: 5 }), breach(2, { kind: "min", threshold: 6 })], "info", 2],
    ["a range: the narrower is the stricter", [breach(1, { kind: "range", threshold: null, low: 6, high: 9 }), breach(2, { kind: "range", threshold: null, low: 6.5, high: 8.5 })], "info", 2],
  ])("%s", (_name, breaches, severity, lead) => {
    expect(alertSeverity(breaches)).toBe(severity);
    expect(strictestFirst(breaches)[0]!.ruleId).toBe(lead);
  });
});

describe("breaches joining and clearing an open alert", () => {
  it("adds a later breach in strictness order, and renews a rule breached again", () => {
    const eu = breach(1, { threshold: 40, since: 1 });
    const ch = breach(3, { threshold: 50, legalStatus: "binding", severity: "warning", since: 2 });
    expect(withBreaches([eu], [ch]).map((b) => b.ruleId)).toEqual([3, 1]);
    expect(withBreaches([eu, { ...ch, clearedAt: 5 }], [{ ...ch, since: 9 }])).toEqual([{ ...ch, since: 9 }, eu]);
  });

  it.each<[string, StoredBreach[], number, boolean, Array<number | null>]>([
    ["one of three clears: still open, that one marked", [breach(1), breach(2), breach(3)], 2, true, [null, 100, null]],
    ["the last one clears: the alert resolves, its breach stays breached to the end", [breach(1, { clearedAt: 50 }), breach(2)], 2, false, [50, null]],
    ["a rule the alert does not list: nothing changes", [breach(1)], 7, true, [null]],
  ])("%s", (_name, breaches, ruleId, open, clearedAt) => {
    const result = clearBreach(breaches, ruleId, 100);
    expect(result.open).toBe(open);
    expect(result.breaches.map((b) => b.clearedAt)).toEqual(clearedAt);
  });
});
