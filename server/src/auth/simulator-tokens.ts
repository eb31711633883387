// The built-in simulator (and `npm run sim` against a local server) authenticates like real stations:
// each simulated station has its own write token, valid for that station only, created on first start
// and kept in DATA_DIR/simulator-tokens as JSON { "<station id>": "<token>" } (readable by the owner
// only). Tokens that still verify are kept across restarts; missing or revoked ones are made anew.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { StationTokenRepository } from "./station-tokens.ts";

export const SIMULATOR_TOKENS_FILE = "simulator-tokens";

function readTokens(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    return {}; // unreadable: tokens are made anew
  }
}

export async function ensureSimulatorTokens(
  tokens: StationTokenRepository,
  dataDir: string,
  stations: readonly string[],
): Promise<{ tokens: Record<string, string>; file: string }> {
  const file = path.join(dataDir, SIMULATOR_TOKENS_FILE);
  const existing = readTokens(file);
  const result: Record<string, string> = {};
  let changed = false;
  for (const station of stations) {
    const token = existing[station];
    if (token !== undefined && (await tokens.verify(token))?.canWrite(station)) {
      result[station] = token;
      continue;
    }
    result[station] = (await tokens.create(`simulator ${station}`, [station])).token;
    changed = true;
  }
  if (changed || !existsSync(file)) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
  return { tokens: result, file };
}
