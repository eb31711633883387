// The built-in simulator (and `npm run sim` against a local server) authenticates like real stations:
// each simulated station has its own write token, valid for that station only, created on first start
// and kept in DATA_DIR/simulator-tokens as JSON { "<station id>": "<token>" } (readable by the owner
// only). Tokens that still verify are kept across restarts; missing or revoked ones are made anew.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../../../common/logger.ts";
import type { ApiTokenRepository } from "./api-tokens.ts";
import { hashPassword, randomPassword } from "./passwords.ts";
import type { StationTokenRepository } from "./station-tokens.ts";
import type { UserRepository } from "./users.ts";

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

export const SIMULATOR_LAB_USER = "simulated-laboratory";
export const SIMULATOR_LAB_TOKEN_FILE = "simulator-lab-token";

/**
 * The built-in simulator imports its laboratory's results through the import API like a lab's data
 * manager: as the researcher account `simulated-laboratory` (random password, never shown: nobody logs
 * in as it) with a personal API token kept in DATA_DIR/simulator-lab-token (owner-readable only) and
 * reused while it verifies. An admin who disables the account stops the simulated lab results: then
 * this returns undefined.
 */
export async function ensureSimulatorLabToken(
  users: UserRepository,
  apiTokens: ApiTokenRepository,
  dataDir: string,
  logger: Logger,
): Promise<string | undefined> {
  const file = path.join(dataDir, SIMULATOR_LAB_TOKEN_FILE);
  let user = (await users.credentials(SIMULATOR_LAB_USER))?.user;
  if (user?.disabled) {
    logger.warn({ user: SIMULATOR_LAB_USER }, "the simulated laboratory's account is disabled: no simulated lab results");
    return undefined;
  }
  const saved = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (user && saved !== "" && (await apiTokens.verify(saved))?.userId === user.id) return saved;
  if (!user) {
    user = await users.create(SIMULATOR_LAB_USER, await hashPassword(randomPassword()), "researcher");
    logger.info({ user: SIMULATOR_LAB_USER }, "created the simulated laboratory's account (researcher) for the simulator's lab results");
  }
  const { token } = await apiTokens.create(user.id, "simulated laboratory results", "researcher", null);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
