// Who is asking, and may they? `authenticate` resolves the principal of every request (session
// cookie, personal API token, or anonymous) and enforces CSRF for cookie-authenticated changes;
// `requireRole` guards a route. Station write tokens are checked by the ingest routes themselves.
import type { Request, RequestHandler, Response } from "express";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import type { AccountChanges } from "./account-changes.ts";
import type { ApiTokenRepository } from "./api-tokens.ts";
import type { AuditLog } from "./audit-log.ts";
import type { MembershipRepository } from "./memberships.ts";
import { roleAtLeast, type Role } from "./roles.ts";
import type { SessionRepository } from "./sessions.ts";
import type { SettingsRepository } from "./settings.ts";
import type { UserRepository } from "./users.ts";

export const SESSION_COOKIE = "wm_session";
export const CSRF_HEADER = "x-csrf-token";

export interface AuthServices {
  users: UserRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  settings: SettingsRepository;
  audit: AuditLog;
  /** Changes to an account with what follows from them (sessions, tokens), in one transaction. */
  accounts: AccountChanges;
  /** Which organisations each user belongs to (their unreleased data is visible to them). */
  memberships: MembershipRepository;
}

export interface Principal {
  kind: "user" | "anonymous";
  userId: number | null;
  username: string;
  /** null: anonymous on a login-only installation (may read nothing). */
  role: Role | null;
  via: "session" | "api-token" | "none";
  /** Present for session principals; the client echoes it in X-CSRF-Token. */
  csrfToken?: string;
  /** Present for session principals: the raw session id (for logout). */
  sessionId?: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  return scheme?.toLowerCase() === "bearer" || scheme?.toLowerCase() === "token" ? value : undefined;
}

/** Resolves a principal from a session cookie or API token; undefined when there is none. */
export async function resolvePrincipal(auth: AuthServices, sessionId: string | undefined, token: string | undefined): Promise<Principal | undefined> {
  if (token?.startsWith("wmpt_")) {
    const info = await auth.apiTokens.verify(token);
    if (!info) throw new UnauthorizedError("The API token is unknown, expired or revoked");
    const user = await auth.users.byId(info.userId);
    if (!user || user.disabled) throw new UnauthorizedError("The API token's account is disabled");
    // A token never grants more than its owner currently has.
    const role = roleAtLeast(user.role, info.role) ? info.role : user.role;
    return { kind: "user", userId: user.id, username: user.username, role, via: "api-token" };
  }
  if (sessionId) {
    const session = await auth.sessions.resolve(sessionId);
    const user = session ? await auth.users.byId(session.userId) : undefined;
    if (session && user && !user.disabled) {
      return { kind: "user", userId: user.id, username: user.username, role: user.role, via: "session", csrfToken: session.csrfToken, sessionId };
    }
  }
  return undefined;
}

export async function anonymous(auth: AuthServices): Promise<Principal> {
  const { publicDashboard } = await auth.settings.get();
  return { kind: "anonymous", userId: null, username: "anonymous", role: publicDashboard ? "viewer" : null, via: "none" };
}

export function authenticate(auth: AuthServices): RequestHandler {
  // Express 5 passes a rejected promise (e.g. an unknown API token) to the error middleware.
  return async (req, res, next) => {
    const cookies = (req as Request & { cookies?: Record<string, string> }).cookies ?? {};
    const principal = (await resolvePrincipal(auth, cookies[SESSION_COOKIE], bearer(req))) ?? (await anonymous(auth));
    if (principal.via === "session" && !SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== principal.csrfToken) {
      throw new ForbiddenError("Missing or wrong CSRF token: send the X-CSRF-Token header from GET /api/v1/auth/session");
    }
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error("authenticate() must run before principalOf()");
  return principal;
}

export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (roleAtLeast(principal.role, role)) return next();
    if (principal.kind === "anonymous") throw new UnauthorizedError(`Log in first: this needs the ${role} role`);
    throw new ForbiddenError(`This needs the ${role} role; ${principal.username} is ${principal.role ?? "without a role"}`);
  };
}
