// What alerts say, server-side (English; the dashboard words them from the structured fields): a
// mean names its window and count and never claims a breach of the annual standard; a value says
// whether it is a single value or a mean; the sensor is named where the station has several.
import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../common/alerts.ts";
import { toAlertInfo, type AlertRow } from "../../server/src/alerts/alert-view.ts";
import { alertMail } from "../../server/src/alerts/email-messages.ts";
import { seed } from "../helpers/catalog.ts";

const T = Date.UTC(2026, 5, 1);

function row(over: Partial<AlertRow>): AlertRow {
  return {
    id: 7, rule_id: 3, rule_name: "r", kind: "mac", category: "contamination", severity: "info", station: "DE-ELBE-ZEHREN", parameter: "clarithromycin",
    sensor: "SIM-DE-ELBE-ZEHREN-CLARITHROMYCIN", value: 160, value_kind: "single", mean_window_ms: null, mean_count: null, lab_sample: null, unit: "ng/L", threshold: 130,
    standard_kind: "MAC-EQS", standard_source: "EU-EQS-2022", state: "firing", started_at: T, resolved_at: null, acked_by: null, acked_at: null,
    ack_comment: null, reminded_at: T, updated_at: T, group_key: null, breaches: null, held_by: null, notice_owed: 0, ...over,
  };
}

const event = (r: AlertRow): AlertEvent => ({ ...toAlertInfo(r, "http://monitor.example", seed), at: T, previousState: "ok", reminder: false });

describe("alert messages", () => {
  it.each<[string, Partial<AlertRow>, string]>([
    ["a single value", {}, "Clarithromycin 160 ng/L at Zehren (Elbe, below Dresden) exceeds MAC-EQS (EU-EQS-2022) 130 ng/L"],
    [
      "a mean, with its window and count, as an early warning against the annual standard",
      { kind: "aa", parameter: "diclofenac", sensor: "SIM-DE-ELBE-ZEHREN-DICLOFENAC", value: 45, value_kind: "mean", mean_window_ms: 30 * 86_400_000, mean_count: 4312, threshold: 40, standard_kind: "AA-EQS" },
      "Early warning: Diclofenac rolling 30-day mean of 4,312 values 45 ng/L at Zehren (Elbe, below Dresden) is above the annual standard AA-EQS (EU-EQS-2022) 40 ng/L",
    ],
    [
      "a mean recorded before window and count were kept",
      { kind: "aa", parameter: "diclofenac", sensor: null, value: 43, value_kind: "mean", threshold: 40, standard_kind: "AA-EQS" },
      "Early warning: Diclofenac rolling mean 43 ng/L at Zehren (Elbe, below Dresden) is above the annual standard AA-EQS (EU-EQS-2022) 40 ng/L",
    ],
    [
      "the sensor, where the station has several of the compound",
      { kind: "max", parameter: "carbamazepine", sensor: "KSI-CBZ-MIP-P2", value: 270, threshold: 200, standard_kind: null, standard_source: null },
      "Carbamazepine 270 ng/L at Zehren (Elbe, below Dresden) (sensor KSI-CBZ-MIP-P2) exceeds 200 ng/L",
    ],
  ])("%s", (_name, over, text) => {
    const info = toAlertInfo(row(over), "http://monitor.example", seed);
    expect(info.message).toBe(text);
    expect(info.message).not.toMatch(/above the AA-EQS/);
  });

  it("mail the value as what it is: a mean with window and count, or a single value", () => {
    const mean = alertMail(
      event(row({ kind: "aa", parameter: "diclofenac", sensor: "SIM-DE-ELBE-ZEHREN-DICLOFENAC", value: 45, value_kind: "mean", mean_window_ms: 30 * 86_400_000, mean_count: 3457, threshold: 40, standard_kind: "AA-EQS" })),
      "http://monitor.example/unsubscribe",
    );
    expect(mean.text).toContain("Value: rolling 30-day mean of 3,457 values: 45 ng/L\n");
    expect(mean.text).toContain("Sensor: SIM-DE-ELBE-ZEHREN-DICLOFENAC\n");
    expect(mean.subject).toContain("rolling 30-day mean of 3,457 values");
    expect(alertMail(event(row({})), "http://monitor.example/u").text).toContain("Value: 160 ng/L (single value)\n");
    const sample = JSON.stringify({ laboratory: "BfUL Labor", sampleId: "ZE-102", kind: "grab", start: T, end: T, method: null });
    const lab = alertMail(event(row({ sensor: null, value: 410, value_kind: "lab", lab_sample: sample })), "http://monitor.example/u");
    expect(lab.text).toContain("Value: 410 ng/L (lab result, sample ZE-102, BfUL Labor)\n");
    expect(lab.text).toContain("ACTIVE: Clarithromycin 410 ng/L in lab sample ZE-102 (BfUL Labor, grab sample) at Zehren (Elbe, below Dresden) exceeds MAC-EQS (EU-EQS-2022) 130 ng/L\n");
  });

  it("an alert recorded before grouping still reads as before, and lists its one standard as its breach", () => {
    const info = toAlertInfo(row({}), "http://monitor.example", seed);
    expect(info.breaches).toEqual([
      { ruleId: 3, ruleName: "r", standard: info.standard, threshold: 130, low: null, high: null, severity: "info", since: T, clearedAt: null },
    ]);
    expect(info.standard).toMatchObject({ kind: "MAC-EQS", source: "EU-EQS-2022", legalStatus: "proposal" });
    expect(info.silencedBy).toBeNull();
  });

  it("a grouped alert names every breached standard, strictest first, in its message and its mail", () => {
    const b = (ruleId: number, source: string, threshold: number, legalStatus: string, severity: string) => ({
      ruleId, ruleName: `r${ruleId}`, kind: "aa", standardId: `diclofenac.AA-EQS.${source}`, standardKind: "AA-EQS", standardSource: source, legalStatus, threshold, low: null, high: null, severity, since: T, clearedAt: null,
    });
    const grouped = row({
      kind: "aa", parameter: "diclofenac", sensor: "SIM-DE-ELBE-ZEHREN-DICLOFENAC", value: 60, value_kind: "mean", mean_window_ms: 30 * 86_400_000, mean_count: 3457, threshold: 50,
      standard_kind: "AA-EQS", standard_source: "CH-GSchV", severity: "warning", held_by: "silence:4",
      breaches: JSON.stringify([b(5, "CH-GSchV", 50, "binding", "warning"), b(3, "EU-EQS-2022", 40, "proposal", "info"), b(4, "DE-UBA-proposal", 50, "proposal", "info")]),
    });
    const info = toAlertInfo(grouped, "http://monitor.example", seed);
    expect(info.message).toBe(
      "Early warning: Diclofenac rolling 30-day mean of 3,457 values 60 ng/L at Zehren (Elbe, below Dresden) is above 3 annual standards: AA-EQS (CH-GSchV) 50 ng/L, AA-EQS (EU-EQS-2022) 40 ng/L and AA-EQS (DE-UBA-proposal) 50 ng/L",
    );
    expect(info.breaches.map((x) => [x.ruleId, x.standard?.source, x.standard?.legalStatus])).toEqual([
      [5, "CH-GSchV", "binding"],
      [3, "EU-EQS-2022", "proposal"],
      [4, "DE-UBA-proposal", "proposal"],
    ]);
    expect(info.silencedBy).toBe(4);
    const mail = alertMail(event(grouped), "http://monitor.example/u").text;
    expect(mail).toContain("Standards breached (3):\n  - AA-EQS CH-GSchV (binding): 50 ng/L\n");
    expect(mail).toContain("  - AA-EQS EU-EQS-2022 (proposal): 40 ng/L\n    European Commission proposal COM(2022) 540");
    expect(mail).not.toContain("\nStandard: ");
  });
});
