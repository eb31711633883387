// Typed calls for login, the current session, one's own API tokens and the admin API
// (server/src/auth/auth-routes.ts and admin-routes.ts). Shapes mirror the server's repositories;
// every change goes through ApiClient.send, which adds the CSRF header.
import type { ApiClient } from "./api.ts";

export { ALL_STATIONS, ROLES, roleAtLeast } from "../../common/auth-types.ts";
export type {
  ApiTokenInfo,
  AuditEntry,
  CreatedApiToken,
  CreatedStationToken,
  LoginResponse,
  Role,
  RuntimeSettings,
  SessionInfo,
  SessionUser,
  StationTokenInfo,
  UserInfo,
} from "../../common/auth-types.ts";
import type { Role, SessionInfo, LoginResponse, ApiTokenInfo, CreatedApiToken, UserInfo, StationTokenInfo, CreatedStationToken, RuntimeSettings, AuditEntry } from "../../common/auth-types.ts";

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

  /** Ends every session of the user and revokes their personal API tokens. */
  logoutEverywhere(): Promise<{ endedSessions: number; revokedTokens: number }> {
    return this.api.send("POST", "/api/v1/auth/logout-all");
  }

  /** Changes one's own password; other sessions end, and API tokens are revoked unless `revokeTokens` is false. */
  changeMyPassword(req: { currentPassword: string; newPassword: string; revokeTokens: boolean }): Promise<{ endedSessions: number; revokedTokens: number }> {
    return this.api.send("POST", "/api/v1/me/password", req);
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

  updateUser(id: number, changes: { role?: Role; disabled?: boolean; password?: string; revokeTokens?: boolean }): Promise<UserInfo> {
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
