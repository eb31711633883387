// Login, logout (here or everywhere), the current session, one's own password and API tokens.
import { Router, type Request, type Response } from "express";
import { rateLimit, type Store } from "express-rate-limit";
import { z } from "zod";
import { ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from "../errors.ts";
import { countsIn, secondsUntilReset } from "../http/security.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import type { Clock } from "../util/clock.ts";
import { CSRF_HEADER, SESSION_COOKIE, principalOf, requireRole, type AuthServices } from "./access.ts";
import { passwordSchema, revokeTokensSchema } from "./account-schema.ts";
import { throttleAddress, type LoginThrottle } from "./login-throttle.ts";
import { hashPassword, unmatchableHash, verifyPassword } from "./passwords.ts";
import { ROLES, roleAtLeast } from "./roles.ts";

export interface AuthRouteOptions {
  auth: AuthServices;
  sessionTtlMs: number;
  /** Failed logins per (name, address) and the delay they earn. */
  throttle: LoginThrottle;
  /** Login attempts per IP per minute. */
  loginRatePerMinute?: number;
  /** Login attempts counted for every instance (REDIS_URL); in this process when undefined. */
  loginLimitStore?: Store;
  clock: Clock;
  /** A user's rights changed (logout, logout everywhere, a password or token change): live connections follow. */
  onAccessChanged?: (userId: number) => Promise<void>;
}

const loginSchema = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }).strict();
const passwordChangeSchema = z.object({ currentPassword: z.string().min(1).max(1000), newPassword: passwordSchema, revokeTokens: revokeTokensSchema }).strict();
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
  const { auth, throttle, clock } = options;
  const router = Router();
  // For unknown names: checking against it costs what a real check costs (same scrypt parameters).
  const dummyHash = unmatchableHash();
  const maxWaitMinutes = Math.ceil(throttle.policy.maxDelayMs / 60_000);
  // One answer for an unknown name, a wrong password and a throttled attempt: none of them may tell
  // which names exist, and a throttled attempt looks like a wrong password (which it may well be).
  const refused = () =>
    new UnauthorizedError(
      `Wrong username or password. After several failed attempts, logins for this name from your address are paused ` +
        `for a while (at most ${maxWaitMinutes} minutes): wait, then try again.`,
    );

  const loginLimiter = rateLimit({
    ...countsIn(options.loginLimitStore),
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
    const attempt = await throttle.begin(username, throttleAddress(req.ip));
    const found = await auth.users.credentials(username);
    // Exactly one password hash for every attempt, whatever the outcome: the time taken tells nothing.
    const matches = await verifyPassword(password, found?.passwordHash ?? dummyHash);
    if (attempt.throttled) throw refused();
    if (!found || !matches) {
      await attempt.failed();
      throw refused();
    }
    // Only someone who knows the password learns this.
    if (found.user.disabled) throw new UnauthorizedError("This account is disabled; ask an administrator to enable it");
    await attempt.succeeded();
    const { user } = found;
    const { id, session } = await auth.sessions.create(user.id);
    setSessionCookie(req, res, id, options.sessionTtlMs);
    res.json({ user: { id: user.id, username: user.username, role: user.role }, csrfToken: session.csrfToken });
  });

  router.get("/api/v1/auth/session", async (_req, res) => {
    const p = principalOf(res);
    const { publicDashboard } = await auth.settings.get();
    const organisations = p.userId === null ? [] : await auth.memberships.of(p.userId);
    res.json({
      user: p.kind === "user" ? { id: p.userId, username: p.username, role: p.role, organisations } : null,
      role: p.role,
      csrfToken: p.csrfToken ?? null,
      csrfHeader: CSRF_HEADER,
      publicDashboard,
    });
  });

  router.post("/api/v1/auth/logout", async (_req, res) => {
    const p = principalOf(res);
    if (p.sessionId) await auth.sessions.delete(p.sessionId);
    if (p.userId !== null) await options.onAccessChanged?.(p.userId);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.status(204).end();
  });

  router.post("/api/v1/auth/logout-all", requireRole("viewer"), async (_req, res) => {
    const p = principalOf(res);
    if (p.userId === null) throw new UnauthorizedError("Log in first");
    // API tokens too: one minted from a stolen session must not outlive the logout meant to end it.
    const { endedSessions, revokedTokens } = await auth.accounts.logoutEverywhere(p.userId);
    await auth.audit.record(p.username, "auth.logout-all", `user:${p.username}`, { endedSessions, revokedTokens });
    await options.onAccessChanged?.(p.userId);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.json({ endedSessions, revokedTokens });
  });

  router.post("/api/v1/me/password", requireRole("viewer"), async (req, res) => {
    const p = principalOf(res);
    if (p.via !== "session") throw new ForbiddenError("A password is changed from a logged-in session, not with an API token");
    const body = parseOrThrow(passwordChangeSchema, req.body);
    // The current password is guessed no faster here than at the login.
    const attempt = await throttle.begin(p.username, throttleAddress(req.ip));
    const found = await auth.users.credentials(p.username);
    const matches = found !== undefined && (await verifyPassword(body.currentPassword, found.passwordHash));
    if (attempt.throttled || !matches) {
      if (!attempt.throttled) await attempt.failed();
      throw new ValidationError(
        `currentPassword is not your current password; type it again (after several failed attempts, wait up to ${maxWaitMinutes} minutes)`,
        [{ path: "currentPassword", message: "not your current password" }],
      );
    }
    await attempt.succeeded();
    const changed = await auth.accounts.change(p.userId!, { passwordHash: await hashPassword(body.newPassword), revokeTokens: body.revokeTokens, keepSessionId: p.sessionId });
    if (!changed) throw new UnauthorizedError("Log in first");
    await auth.audit.record(p.username, "user.password", `user:${p.username}`, { endedSessions: changed.endedSessions, revokedTokens: changed.revokedTokens });
    await options.onAccessChanged?.(p.userId!);
    res.json({ endedSessions: changed.endedSessions, revokedTokens: changed.revokedTokens });
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
    const expires = body.expiresInDays ? new Date(clock.now() + body.expiresInDays * 86_400_000) : null;
    const created = await auth.apiTokens.create(p.userId!, body.label, role, expires);
    await auth.audit.record(p.username, "api-token.create", `api-token:${created.id}`, { label: body.label, role, expiresAt: created.expiresAt });
    res.status(201).json(created);
  });

  router.delete("/api/v1/me/api-tokens/:id", requireRole("viewer"), async (req, res) => {
    const p = principalOf(res);
    if (!(await auth.apiTokens.revoke(p.userId!, idParam(req.params.id)))) throw new NotFoundError("No such active token of yours");
    await auth.audit.record(p.username, "api-token.revoke", `api-token:${req.params.id}`);
    await options.onAccessChanged?.(p.userId!);
    res.status(204).end();
  });

  return router;
}
