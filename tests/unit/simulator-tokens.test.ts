import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { catalog } from "../../common/catalog.ts";
import { ensureSimulatorTokens, SIMULATOR_TOKENS_FILE } from "../../server/src/auth/simulator-tokens.ts";
import { StationTokenRepository } from "../../server/src/auth/station-tokens.ts";
import { openMetaDb } from "../../server/src/meta/database.ts";
import { tempDir } from "../helpers/test-system.ts";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup() {
  const dir = tempDir("wm-sim-tokens-");
  const db = openMetaDb(dir.dir);
  cleanups.push(() => {
    db.close();
    dir.remove();
  });
  return { dir: dir.dir, tokens: new StationTokenRepository(db) };
}

const stations = catalog.stations.map((s) => s.id);

describe("simulated stations' write tokens", () => {
  it("gives every station its own token, valid for that station only, in an owner-only file", () => {
    const { dir, tokens } = setup();
    const created = ensureSimulatorTokens(tokens, dir, stations);
    expect(Object.keys(created.tokens)).toEqual(stations);
    expect(new Set(Object.values(created.tokens)).size).toBe(stations.length);
    for (const [station, token] of Object.entries(created.tokens)) {
      const grant = tokens.verify(token)!;
      expect(grant.canWrite(station)).toBe(true);
      expect(stations.filter((other) => other !== station && grant.canWrite(other))).toEqual([]);
    }
    expect(JSON.parse(readFileSync(created.file, "utf8"))).toEqual(created.tokens);
    expect(statSync(created.file).mode & 0o777).toBe(0o600);
  });

  it("keeps valid tokens across restarts and replaces a revoked or missing one", () => {
    const { dir, tokens } = setup();
    const first = ensureSimulatorTokens(tokens, dir, stations).tokens;
    const [revokedStation, droppedStation] = stations as [string, string];
    tokens.revoke(tokens.verify(first[revokedStation]!)!.tokenId);
    const file = path.join(dir, SIMULATOR_TOKENS_FILE);
    const edited = { ...first };
    delete edited[droppedStation];
    writeFileSync(file, JSON.stringify(edited));

    const second = ensureSimulatorTokens(tokens, dir, stations).tokens;
    expect(second[revokedStation]).not.toBe(first[revokedStation]);
    expect(tokens.verify(second[revokedStation]!)?.canWrite(revokedStation)).toBe(true);
    expect(second[droppedStation]).not.toBe(first[droppedStation]);
    for (const station of stations.slice(2)) expect(second[station]).toBe(first[station]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(second);
  });
});
