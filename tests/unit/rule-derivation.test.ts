// Built-in rules derived from standards follow the catalog, unless a person edited or deleted them.
// planDerivation is pure; the last test runs the whole derivation against a metadata store written
// by Water Monitor 0.1.0 (whose built-in rules predate the tracking of derivations).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertRule } from "../../common/alerts.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { createLogger } from "../../common/logger.ts";
import { derivedRuleDrafts } from "../../server/src/alerts/built-in-rules.ts";
import { deriveRules, planDerivation } from "../../server/src/alerts/rule-derivation.ts";
import { SqlAlertRuleRepository, type DerivedRule } from "../../server/src/alerts/rule-repository.ts";
import { SqlAuditLog } from "../../server/src/auth/audit-log.ts";
import { openCatalog } from "../../server/src/catalog/open-catalog.ts";
import { seedCatalogData } from "../../server/src/catalog/seed.ts";
import { META_SQLITE_FILE, openMetaStore } from "../../server/src/meta/open.ts";
import type { MetaStore } from "../../server/src/meta/store.ts";
import { tempDirsPerTest } from "../helpers/test-system.ts";

const NOW = Date.parse("2026-06-01T08:01:00Z");
const logger = createLogger("silent", "test");
const seed = new CatalogSnapshot(seedCatalogData(), 1);
const desired = derivedRuleDrafts(seed, NOW);
const ZEHREN_CLA = desired.find((d) => d.derivedFrom === "DE-ELBE-ZEHREN|clarithromycin|clarithromycin.MAC-EQS.EU-EQS-2022|mac")!;

function stored(d: (typeof desired)[number], id: number, over: Partial<AlertRule> = {}, editedByHand = false): DerivedRule {
  return {
    rule: { ...d.draft, id, builtIn: true, createdBy: null, createdById: null, paused: false, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", ...over },
    derivedFrom: d.derivedFrom,
    editedByHand,
  };
}

describe("planning derived rules", () => {
  it("does nothing when the stored rules are what the catalog derives", () => {
    const plan = planDerivation(desired, desired.map((d, i) => stored(d, i + 1)), new Set());
    expect([plan.create, plan.update, plan.kept]).toEqual([[], [], []]);
  });

  it("creates what is missing, unless a person deleted it", () => {
    const rest = desired.filter((d) => d !== ZEHREN_CLA).map((d, i) => stored(d, i + 1));
    expect(planDerivation(desired, rest, new Set()).create).toEqual([{ draft: ZEHREN_CLA.draft, derivedFrom: ZEHREN_CLA.derivedFrom }]);
    expect(planDerivation(desired, rest, new Set([ZEHREN_CLA.derivedFrom])).create).toEqual([]);
  });

  it("updates an untouched rule to the standard's new limit and severity, keeping its hold time", () => {
    const old = stored(ZEHREN_CLA, 7, { threshold: 130, severity: "info", forMs: 600_000 });
    const wanted = [{ ...ZEHREN_CLA, draft: { ...ZEHREN_CLA.draft, threshold: 100, severity: "critical" as const } }];
    const plan = planDerivation(wanted, [old], new Set());
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]!.draft).toMatchObject({ threshold: 100, severity: "critical", forMs: 600_000 });
    expect(plan.update[0]!.fields).toEqual([
      { field: "threshold", before: 130, after: 100 },
      { field: "severity", before: "info", after: "critical" },
    ]);
  });

  it("keeps a rule a person edited, and says how it differs", () => {
    const edited = stored(ZEHREN_CLA, 7, { threshold: 150 }, true);
    const plan = planDerivation(desired, [edited], new Set());
    expect(plan.update).toEqual([]);
    expect(plan.kept).toEqual([{ rule: edited.rule, fields: [{ field: "threshold", before: 150, after: 130 }] }]);
  });

  it("switches off an untouched rule whose standard no longer applies, and back on when it does again", () => {
    const off = planDerivation([], [stored(ZEHREN_CLA, 7)], new Set());
    expect(off.update.map((u) => [u.rule.id, u.draft.enabled])).toEqual([[7, false]]);
    const on = planDerivation(desired, [stored(ZEHREN_CLA, 7, { enabled: false })], new Set());
    expect(on.update.map((u) => [u.rule.id, u.draft.enabled])).toEqual([[7, true]]);
  });
});

describe("choosing how a derived rule's alerts are counted", () => {
  const tempDir = tempDirsPerTest();

  it("is no edit of what the standard demands: the rule keeps following its standard; a changed limit is one", async () => {
    const meta = await openMetaStore(tempDir("wm-rule-grouping-"));
    try {
      const rules = new SqlAlertRuleRepository(meta.db, () => NOW);
      const [created] = await rules.applyDerivation({ create: [{ draft: ZEHREN_CLA.draft, derivedFrom: ZEHREN_CLA.derivedFrom }], update: [] });
      const { id: _i, builtIn: _b, createdBy: _c, createdById: _ci, paused: _p, createdAt: _ca, updatedAt: _u, ...draft } = created!;
      await rules.update(created!.id, { ...draft, grouping: "per-standard" });
      expect((await rules.listDerived()).map((d) => [d.rule.grouping, d.editedByHand])).toEqual([["per-standard", false]]);
      await rules.update(created!.id, { ...draft, grouping: "per-standard", threshold: 100 });
      expect((await rules.listDerived()).map((d) => d.editedByHand)).toEqual([true]);
    } finally {
      await meta.close();
    }
  });
});

describe("a data dir from 0.1.0", () => {
  const tempDir = tempDirsPerTest();
  const stores: MetaStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it("gets the catalog seed once, and keeps its built-in rules for every station", async () => {
    const dir = tempDir("wm-meta-v3-catalog-");
    writeFileSync(path.join(dir, META_SQLITE_FILE), gunzipSync(readFileSync(new URL("../fixtures/meta-v3.sqlite.gz", import.meta.url))));
    const meta = await openMetaStore(dir);
    stores.push(meta);
    const presence = { withData: () => Promise.reject(new Error("a seed removes nothing, so it asks about no data")) };
    const catalog = await openCatalog({ meta, presence, logger, now: () => NOW, seed: seedCatalogData });
    expect(catalog.current().version).toBe(1);
    const again = await openCatalog({ meta, presence, logger, now: () => NOW + 1, seed: () => ({ ...seedCatalogData(), stations: [] }) });
    expect(again.current().version).toBe(1);
    expect(again.current().stations).toHaveLength(8);

    // 0.1.0 made one built-in rule per standard for every station; they stay as they were, and no
    // per-station rule is derived beside them (it would alert twice), not even for a new station.
    const rules = new SqlAlertRuleRepository(meta.db, () => NOW);
    expect(await rules.listDerived()).toEqual([]);
    expect(await rules.adoptDerivations(desired.map((d) => d.derivedFrom))).toBe(true);
    expect(await rules.adoptDerivations(desired.map((d) => d.derivedFrom))).toBe(false);
    const before = await rules.list();
    const derive = () => deriveRules({ rules, audit: new SqlAuditLog(meta.db), logger }, catalog.current(), NOW, { actor: "system", catalogVersion: 1, reason: "start" });
    expect((await derive()).plan).toMatchObject({ create: [], update: [], kept: [] });
    await catalog.change({ actor: "admin", action: "station.create" }, (draft) => {
      draft.stations.push({ ...draft.stations[1]!, id: "DE-ELBE-NEW" });
      draft.sensors.push({ ...draft.sensors.find((x) => x.id === "SIM-DE-ELBE-ZEHREN-CLARITHROMYCIN")!, id: "TEST-CLA", deployments: [{ station: "DE-ELBE-NEW", from: "2026-01-01", to: null, primary: true }] });
    });
    expect((await derive()).plan.create).toEqual([]);
    expect(await rules.list()).toEqual(before);
  });
});
