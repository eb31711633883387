// Login, logout (here or everywhere), the current session, and one's own API tokens.
import { Router, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import { z } from "zod";
import { ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from "../errors.ts";
import { secondsUntilReset } from "../http/security.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import { CSRF_HEADER, SESSION_COOKIE, principalOf, requireRole, type AuthServices } from "./access.ts";
import { verifyPassword } from "./passwords.ts";
import { ROLES, roleAtLeast } from "./roles.ts";

export interface AuthRouteOptions {
  auth: AuthServices;
  sessionTtlMs: number;
  /** Failed logins before an account is locked, and for how long. */
  lockAfter?: number;
  lockMs?: number;
  /** Login attempts per IP per minute. */
  loginRatePerMinute?: number;
  now?: () => Date;
  /** A user's rights changed (logout, logout everywhere, a token revoked): re-check their live connections. */
  onAccessChanged?: (userId: number) => void;
}

const loginSchema = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }).strict();
const tokenSchema = z
  .object({
    label: z.string().trim().min(1).max(100),
    role: z.enum(ROLES).optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

function setSessionCookie(req: Request, res: Response, id: string, ttlMs: number): void {
  res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/", maxAge: ttlMs });
}

export function authRouter(options: AuthRouteOptions): Router {
  const { auth } = options;
  const now = options.now ?? (() => new Date());
  const lockAfter = options.lockAfter ?? 5;
  const lockMs = options.lockMs ?? 15 * 60_000;
  const router = Router();

  const loginLimiter = rateLimit({
    windowMs: 60_000,
    limit: options.loginRatePerMinute ?? 20,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const wait = secondsUntilReset(req, 60_000);
      next(new RateLimitedError(`Too many login attempts from this address; wait ${wait} s`, wait));
    },
  });

  router.post("/api/v1/auth/login", loginLimiter, async (req, res) => {
    const { username, password } = parseOrThrow(loginSchema, req.body);
    const found = await auth.users.credentials(username);
    const refused = () => new UnauthorizedError("Wrong username or password");
    if (!found) {
      // Spend comparable time so that unknown names cannot be told apart by timing.
      await verifyPassword(password, "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
      throw refused();
    }
    const { user, passwordHash } = found;
    if (user.lockedUntil && user.lockedUntil > now().toISOString()) {
      throw new UnauthorizedError(`Account locked after repeated failed logins until ${user.lockedUntil}`);
    }
    if (!(await verifyPassword(password, passwordHash))) {
      await auth.users.recordFailedLogin(user.id, lockAfter, lockMs);
      throw refused();
    }
    if (user.disabled) throw new UnauthorizedError("This account is disabled");
    await auth.users.recordSuccessfulLogin(user.id);
    const { id, session } = await auth.sessions.create(user.id);
    setSessionCookie(req, res, id, options.sessionTtlMs);
    res.json({ user: { id: user.id, username: user.username, role: user.role }, csrfToken: session.csrfToken });
  });

  router.get("/api/v1/auth/session", async (_req, res) => {
    const p = principalOf(res);
    const { publicDashboard } = await auth.settings.get();
    res.json({
      user: p.kind === "user" ? { id: p.userId, username: p.username, role: p.role } : null,
      role: p.role,
      csrfToken: p.csrfToken ?? null,
      csrfHeader: CSRF_HEADER,
      publicDashboard,
    });
  });

  router.post("/api/v1/auth/logout", async (_req, res) => {
    const p = principalOf(res);
    if (p.sessionId) await auth.sessions.delete(p.sessionId);
    if (p.userId !== null) options.onAccessChanged?.(p.userId);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.status(204).end();
  });

  router.post("/api/v1/auth/logout-all", requireRole("viewer"), async (_req, res) => {
    const p = principalOf(res);
    if (p.userId === null) throw new UnauthorizedError("Log in first");
    const ended = await auth.sessions.deleteAllForUser(p.userId);
    options.onAccessChanged?.(p.userId);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.json({ endedSessions: ended });
  });

  router.get("/api/v1/me/api-tokens", requireRole("viewer"), async (_req, res) => {
    res.json({ tokens: await auth.apiTokens.listForUser(principalOf(res).userId!) });
  });

  router.post("/api/v1/me/api-tokens", requireRole("viewer"), async (req, res) => {
    const p = principalOf(res);
    if (p.via !== "session") throw new ForbiddenError("API tokens are created from a logged-in session, not with another token");
    const body = parseOrThrow(tokenSchema, req.body);
    const role = body.role ?? p.role!;
    if (!roleAtLeast(p.role, role)) throw new ValidationError(`role ${role} is above your own (${p.role})`);
    const expires = body.expiresInDays ? new Date(now().getTime() + body.expiresInDays * 86_400_000) : null;
    const created = await auth.apiTokens.create(p.userId!, body.label, role, expires);
    await auth.audit.record(p.username, "api-token.create", `api-token:${created.id}`, { label: body.label, role, expiresAt: created.expiresAt });
    res.status(201).json(created);
  });

  router.delete("/api/v1/me/api-tokens/:id", requireRole("viewer"), async (req, res) => {
    const p = principalOf(res);
    if (!(await auth.apiTokens.revoke(p.userId!, idParam(req.params.id)))) throw new NotFoundError("No such active token of yours");
    await auth.audit.record(p.username, "api-token.revoke", `api-token:${req.params.id}`);
    options.onAccessChanged?.(p.userId!);
    res.status(204).end();
  });

  return router;
}
