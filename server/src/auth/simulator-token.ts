// The built-in simulator (and `npm run sim` against a local server) authenticates like a real
// station: with a station write token for all simulated stations, created on first start and kept
// in DATA_DIR/simulator-token (readable by the owner only).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ALL_STATIONS, type StationTokenRepository } from "./station-tokens.ts";

export const SIMULATOR_TOKEN_FILE = "simulator-token";

export function ensureSimulatorToken(tokens: StationTokenRepository, dataDir: string): { token: string; file: string } {
  const file = path.join(dataDir, SIMULATOR_TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, "utf8").trim();
    if (tokens.verify(token)) return { token, file };
  }
  const { token } = tokens.create("simulator", [ALL_STATIONS]);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}
