// Data review in tests: the labels an unreviewed reading carries with the default settings (release
// level "approved", provisional data shown to everyone), and users in organisations.
import type { Role } from "../../server/src/auth/roles.ts";
import type { TestSystem } from "./test-system.ts";
import { createUser } from "./auth.ts";

/** What every point, latest reading and alert from unreviewed data carries by default. */
export const UNREVIEWED = Object.freeze({ approval: "raw", provisional: true } as const);

/** A user with `role` in `organisations`, and Bearer headers with a personal API token. */
export async function memberHeaders(system: TestSystem, role: Role, organisations: readonly string[]): Promise<{ id: number; headers: Record<string, string> }> {
  const user = await createUser(system, role);
  await system.auth.memberships.set(user.id, organisations, "test", Date.now());
  const { token } = await system.auth.apiTokens.create(user.id, "test", role, null);
  return { id: user.id, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } };
}

export { api } from "./alert-system.ts";
