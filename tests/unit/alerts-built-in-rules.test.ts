// The rules a fresh installation starts with: severity by legal status, and nothing marked critical
// that cannot fire (issue #13: the carbamazepine MAC-EQS of 1,600,000 ng/L lies far beyond the
// 5,000 ng/L up to which the sensors' values count; above, QC flags them suspect and alerts skip them).
import { describe, expect, it } from "vitest";
import { builtInRuleDrafts } from "../../server/src/alerts/built-in-rules.ts";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { catalogWith, seed } from "../helpers/catalog.ts";

const NOW = Date.UTC(2026, 5, 1);
const ruleDrafts = (catalog: CatalogSnapshot, now: number) => builtInRuleDrafts(catalog, now).map((b) => b.draft);
const DAY = 86_400_000;

function bind(...ids: string[]) {
  return catalogWith((d) => {
    for (const id of ids) d.standards.find((s) => s.id === id)!.legalStatus = "binding";
  });
}

describe("built-in alert rules", () => {
  it("mark nothing critical in the shipped catalog (no MAC-EQS binds in Saxony or Chongqing yet)", () => {
    expect(ruleDrafts(seed, NOW).filter((r) => r.severity === "critical")).toEqual([]);
  });

  it("keep a MAC-EQS no value can breach as information, saying why, even once it binds", () => {
    const catalog = bind("carbamazepine.MAC-EQS.EU-EQS-2022", "clarithromycin.MAC-EQS.EU-EQS-2022");
    const drafts = ruleDrafts(catalog, NOW);
    const carbamazepine = drafts.filter((r) => r.standard?.id === "carbamazepine.MAC-EQS.EU-EQS-2022");
    expect(carbamazepine.length).toBeGreaterThan(0);
    for (const r of carbamazepine) {
      expect(r).toMatchObject({ kind: "mac", threshold: 1_600_000, severity: "info" });
      expect(r.name).toMatch(/cannot fire: beyond the expected range of the sensors there/);
    }
    // A binding MAC-EQS the sensors can see past (clarithromycin 130 ng/L, expected range up to 2,000) is critical.
    const clarithromycin = drafts.filter((r) => r.standard?.id === "clarithromycin.MAC-EQS.EU-EQS-2022");
    expect(clarithromycin.length).toBeGreaterThan(0);
    for (const r of clarithromycin) expect(r).toMatchObject({ severity: "critical", threshold: 130 });
    expect(clarithromycin[0]!.name).not.toMatch(/cannot fire/);
  });

  it("never mark a rule critical whose limit lies beyond every sensor's expected range at its station", () => {
    const catalog = bind(...seed.data.standards.filter((s) => s.kind === "MAC-EQS").map((s) => s.id));
    for (const r of ruleDrafts(catalog, NOW).filter((d) => d.severity === "critical")) {
      const top = Math.max(...catalog.sensorsAt(r.station!, r.parameter!, NOW).map((s) => s.expectedRange[1]));
      expect(r.threshold!, r.name).toBeLessThan(top);
    }
  });

  it("make every AA-EQS an early warning on the rolling 30-day mean, with 80 % coverage", () => {
    const aa = ruleDrafts(seed, NOW).filter((r) => r.kind === "aa");
    expect(aa.length).toBeGreaterThan(0);
    for (const r of aa) {
      expect(r).toMatchObject({ windowMs: 30 * DAY, minCoverage: 0.8 });
      expect(r.name).toMatch(/rolling 30-day mean vs\. annual standard AA-EQS/);
      expect(r.name).not.toMatch(/above the AA-EQS/);
    }
  });
});
