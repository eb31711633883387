import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureSimulatorTokens, SIMULATOR_TOKENS_FILE } from "../../server/src/auth/simulator-tokens.ts";
import { SqlStationTokenRepository } from "../../server/src/auth/station-tokens.ts";
import type { MetaDialect } from "../../server/src/meta/store.ts";
import { seed } from "../helpers/catalog.ts";
import { META_DIALECTS, openTestMetaStore } from "../helpers/test-meta.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(dialect: MetaDialect) {
  const store = await openTestMetaStore(dialect);
  cleanups.push(() => store.close());
  return { dir: store.where.dataDir, tokens: new SqlStationTokenRepository(store.meta.db) };
}

const stations = seed.stations.map((s) => s.id);

describe.each(META_DIALECTS)("simulated stations' write tokens (%s)", (dialect) => {
  it("gives every station its own token, valid for that station only, in an owner-only file", async () => {
    const { dir, tokens } = await setup(dialect);
    const created = await ensureSimulatorTokens(tokens, dir, stations);
    expect(Object.keys(created.tokens)).toEqual(stations);
    expect(new Set(Object.values(created.tokens)).size).toBe(stations.length);
    for (const [station, token] of Object.entries(created.tokens)) {
      const grant = (await tokens.verify(token))!;
      expect(grant.canWrite(station)).toBe(true);
      expect(stations.filter((other) => other !== station && grant.canWrite(other))).toEqual([]);
    }
    expect(JSON.parse(readFileSync(created.file, "utf8"))).toEqual(created.tokens);
    expect(statSync(created.file).mode & 0o777).toBe(0o600);
  });

  it("keeps valid tokens across restarts and replaces a revoked or missing one", async () => {
    const { dir, tokens } = await setup(dialect);
    const first = (await ensureSimulatorTokens(tokens, dir, stations)).tokens;
    const [revokedStation, droppedStation] = stations as [string, string];
    await tokens.revoke((await tokens.verify(first[revokedStation]!))!.tokenId);
    const file = path.join(dir, SIMULATOR_TOKENS_FILE);
    const edited = { ...first };
    delete edited[droppedStation];
    writeFileSync(file, JSON.stringify(edited));

    const second = (await ensureSimulatorTokens(tokens, dir, stations)).tokens;
    expect(second[revokedStation]).not.toBe(first[revokedStation]);
    expect((await tokens.verify(second[revokedStation]!))?.canWrite(revokedStation)).toBe(true);
    expect(second[droppedStation]).not.toBe(first[droppedStation]);
    for (const station of stations.slice(2)) expect(second[station]).toBe(first[station]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(second);
  });
});
