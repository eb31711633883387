// Users, roles, tokens and settings as the API returns them: shared by the server's repositories
// and the client, so both sides agree on one shape.

/**
 * Lowest first: viewers read, researchers export and import, reviewers correct and approve data
 * (issue #17), admins manage everything.
 */
export const ROLES = ["viewer", "researcher", "reviewer", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** admin ⊃ reviewer ⊃ researcher ⊃ viewer. */
export function roleAtLeast(actual: Role | null | undefined, required: Role): boolean {
  return actual ? ROLES.indexOf(actual) >= ROLES.indexOf(required) : false;
}

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  /** The catalog organisations the user belongs to (their unreleased data is visible to them). */
  organisations?: string[];
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
  /** Catalog organisations the user belongs to (GET /api/v1/admin/users lists them). */
  organisations?: string[];
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
  /** Data below this approval level is not yet released (issue #17). */
  releaseLevel: "raw" | "checked" | "approved";
  /** Readers outside the owning organisation see unreleased data labelled provisional (else released data only). */
  publicProvisional: boolean;
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

