// What follows from a change to an account, applied together with it in one transaction (all or
// nothing): a new password, disabling, a new role or "log out everywhere" each end sessions, and
// personal API tokens follow — a token minted from a stolen session must not outlive the password
// reset or the logout that was meant to shut the thief out.
//   password changed  → every session ends (but the one that changed it, for a self-service change);
//                        API tokens revoked unless the caller chose to keep them (default: revoke)
//   disabled          → every session ends, every API token revoked (re-enabling revives none)
//   role changed      → every session ends; tokens above the new role are lowered to it
//   logout everywhere → every session ends, every API token revoked
// The caller tells live connections and the alerting area afterwards (onAccessChanged).
import type { MetaStore } from "../meta/store.ts";
import type { ApiTokenRepository } from "./api-tokens.ts";
import type { Role } from "./roles.ts";
import type { SessionRepository } from "./sessions.ts";
import type { User, UserRepository } from "./users.ts";

export interface AccountChange {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
  /** With a new password: revoke the user's API tokens too (default true). */
  revokeTokens?: boolean;
  /** With a new password: the session that made the change, which stays logged in. */
  keepSessionId?: string;
}

export interface AccountChangeResult {
  user: User;
  endedSessions: number;
  revokedTokens: number;
  /** Tokens lowered to a new, lower role. */
  cappedTokens: number;
}

export interface AccountRepositories {
  users: UserRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
}

export class AccountChanges {
  constructor(
    private readonly meta: MetaStore,
    private readonly repos: AccountRepositories,
  ) {}

  /** Applies `change` to user `id` and what follows from it; undefined when there is no such user. */
  change(id: number, change: AccountChange): Promise<AccountChangeResult | undefined> {
    return this.meta.transaction(async (trx) => {
      const users = this.repos.users.in(trx);
      const sessions = this.repos.sessions.in(trx);
      const tokens = this.repos.apiTokens.in(trx);
      const before = await users.byId(id);
      if (!before) return undefined;
      const user = (await users.update(id, { role: change.role, disabled: change.disabled, passwordHash: change.passwordHash }))!;
      const newPassword = change.passwordHash !== undefined;
      const disabled = change.disabled === true;
      const roleChanged = change.role !== undefined && change.role !== before.role;
      const takesRights = disabled || roleChanged;
      const endedSessions = takesRights || newPassword ? await sessions.deleteAllForUser(id, takesRights ? undefined : change.keepSessionId) : 0;
      const revokedTokens = disabled || (newPassword && change.revokeTokens !== false) ? await tokens.revokeAllForUser(id) : 0;
      const cappedTokens = roleChanged ? await tokens.capRole(id, user.role) : 0;
      return { user, endedSessions, revokedTokens, cappedTokens };
    });
  }

  /** "Log out everywhere": every session of the user ends and every API token is revoked. */
  logoutEverywhere(id: number): Promise<{ endedSessions: number; revokedTokens: number }> {
    return this.meta.transaction(async (trx) => ({
      endedSessions: await this.repos.sessions.in(trx).deleteAllForUser(id),
      revokedTokens: await this.repos.apiTokens.in(trx).revokeAllForUser(id),
    }));
  }
}
