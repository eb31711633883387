// Typed calls for login, the current session, one's own API tokens and the admin API
// (server/src/auth/auth-routes.ts and admin-routes.ts). Shapes mirror the server's repositories;
// every change goes through ApiClient.send, which adds the CSRF header.
import type { ApiClient } from "./api.ts";

export const ROLES = ["viewer", "researcher", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** admin ⊃ researcher ⊃ viewer (the server's rule, for showing only what a role may do). */
export function roleAtLeast(actual: Role | null | undefined, required: Role): boolean {
  return actual ? ROLES.indexOf(actual) >= ROLES.indexOf(required) : false;
}

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
}

export interface SessionInfo {
  user: SessionUser | null;
  /** null: anonymous on a login-only installation (may read nothing). */
  role: Role | null;
  csrfToken: string | null;
  csrfHeader: string;
  publicDashboard: boolean;
}

export interface LoginResponse {
  user: SessionUser;
  csrfToken: string;
}

export interface ApiTokenInfo {
  id: number;
  userId: number;
  prefix: string;
  label: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A token as created: the secret itself is in this one answer and nowhere else. */
export interface CreatedApiToken extends ApiTokenInfo {
  token: string;
}

export interface UserInfo {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: string | null;
}

export interface StationTokenInfo {
  id: number;
  prefix: string;
  label: string;
  /** Station ids, or ["*"] for all stations. */
  stations: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedStationToken extends StationTokenInfo {
  token: string;
}

export interface RuntimeSettings {
  publicDashboard: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
}

export const ALL_STATIONS = "*";

export class AuthApi {
  constructor(private readonly api: ApiClient) {}

  session(): Promise<SessionInfo> {
    return this.api.get("/api/v1/auth/session");
  }

  login(username: string, password: string): Promise<LoginResponse> {
    return this.api.send("POST", "/api/v1/auth/login", { username, password });
  }

  logout(): Promise<void> {
    return this.api.send("POST", "/api/v1/auth/logout");
  }

  logoutEverywhere(): Promise<{ endedSessions: number }> {
    return this.api.send("POST", "/api/v1/auth/logout-all");
  }

  async myTokens(): Promise<ApiTokenInfo[]> {
    return (await this.api.get<{ tokens: ApiTokenInfo[] }>("/api/v1/me/api-tokens")).tokens;
  }

  createMyToken(req: { label: string; role?: Role; expiresInDays?: number }): Promise<CreatedApiToken> {
    return this.api.send("POST", "/api/v1/me/api-tokens", req);
  }

  revokeMyToken(id: number): Promise<void> {
    return this.api.send("DELETE", `/api/v1/me/api-tokens/${id}`);
  }

  async users(): Promise<UserInfo[]> {
    return (await this.api.get<{ users: UserInfo[] }>("/api/v1/admin/users")).users;
  }

  createUser(req: { username: string; password: string; role: Role }): Promise<UserInfo> {
    return this.api.send("POST", "/api/v1/admin/users", req);
  }

  updateUser(id: number, changes: { role?: Role; disabled?: boolean; password?: string }): Promise<UserInfo> {
    return this.api.send("PATCH", `/api/v1/admin/users/${id}`, changes);
  }

  deleteUser(id: number): Promise<void> {
    return this.api.send("DELETE", `/api/v1/admin/users/${id}`);
  }

  async stationTokens(): Promise<StationTokenInfo[]> {
    return (await this.api.get<{ tokens: StationTokenInfo[] }>("/api/v1/admin/station-tokens")).tokens;
  }

  createStationToken(req: { label: string; stations: string[] }): Promise<CreatedStationToken> {
    return this.api.send("POST", "/api/v1/admin/station-tokens", req);
  }

  revokeStationToken(id: number): Promise<void> {
    return this.api.send("DELETE", `/api/v1/admin/station-tokens/${id}`);
  }

  settings(): Promise<RuntimeSettings> {
    return this.api.get("/api/v1/admin/settings");
  }

  updateSettings(changes: Partial<RuntimeSettings>): Promise<RuntimeSettings> {
    return this.api.send("PATCH", "/api/v1/admin/settings", changes);
  }

  async audit(): Promise<AuditEntry[]> {
    return (await this.api.get<{ entries: AuditEntry[] }>("/api/v1/admin/audit")).entries;
  }
}
