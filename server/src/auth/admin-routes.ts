// Admin API: users and their organisations, station write tokens, run-time settings, audit log.
// Every change is audited.
import { Router } from "express";
import { z } from "zod";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import { principalOf, requireRole, type AuthServices } from "./access.ts";
import { passwordSchema as password, usernameSchema as username } from "./account-schema.ts";
import { hashPassword } from "./passwords.ts";
import { ROLES } from "./roles.ts";
import { APPROVAL_LEVELS } from "../../../common/review.ts";
import { ALL_STATIONS, type StationTokenRepository } from "./station-tokens.ts";

const createUser = z.object({ username, password, role: z.enum(ROLES) }).strict();
const updateUser = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: password.optional(), revokeTokens: z.boolean().optional() })
  .strict()
  .refine((b) => b.revokeTokens === undefined || b.password !== undefined, { path: ["revokeTokens"], message: "revokeTokens goes with a new password" });
const createStationToken = z
  .object({
    label: z.string().trim().min(1).max(100),
    stations: z.array(z.string()).min(1),
  })
  .strict();
const settingsSchema = z
  .object({
    publicDashboard: z.boolean().optional(),
    releaseLevel: z.enum(APPROVAL_LEVELS, { error: "releaseLevel must be raw, checked or approved" }).optional(),
    publicProvisional: z.boolean().optional(),
  })
  .strict();
const organisationsBody = z.object({ organisations: z.array(z.string().min(1).max(64)).max(100) }).strict();

/** Whose rights an admin change affected: one user's, or every anonymous visitor's (the public switch). */
export type AccessChange = { userId: number } | "anonymous";

export function adminRouter(
  auth: AuthServices,
  stationTokens: StationTokenRepository,
  catalog: CatalogSource,
  onAccessChanged?: (change: AccessChange) => Promise<void>,
): Router {
  const router = Router();
  const admin = requireRole("admin");
  const actor = (res: Parameters<typeof principalOf>[0]) => principalOf(res).username;

  router.get("/api/v1/admin/users", admin, async (_req, res) => {
    const [users, memberships] = await Promise.all([auth.users.list(), auth.memberships.list()]);
    res.json({ users: users.map((u) => ({ ...u, organisations: memberships.filter((m) => m.userId === u.id).map((m) => m.organisation) })) });
  });

  router.get("/api/v1/admin/memberships", admin, async (_req, res) => {
    const [users, memberships] = await Promise.all([auth.users.list(), auth.memberships.list()]);
    const names = new Map(users.map((u) => [u.id, u.username]));
    res.json({ memberships: memberships.map((m) => ({ ...m, username: names.get(m.userId) ?? null })) });
  });

  // A user's organisations (catalog organisations): whose unreleased data they read and review.
  router.put("/api/v1/admin/users/:id/organisations", admin, async (req, res) => {
    const id = idParam(req.params.id);
    const { organisations } = parseOrThrow(organisationsBody, req.body);
    const current = catalog.current();
    const unknown = organisations.filter((o) => !current.organisation(o));
    if (unknown.length > 0) {
      const known = current.data.organisations.map((o) => o.id).join(", ");
      throw new ValidationError(`unknown organisation(s): ${unknown.join(", ")}; the catalog has: ${known}`, [{ path: "organisations", message: `catalog organisation ids: ${known}` }]);
    }
    const user = await auth.users.byId(id);
    if (!user) throw new NotFoundError(`no user ${id}`);
    const changed = await auth.memberships.set(id, organisations, actor(res), Date.now());
    await auth.audit.record(actor(res), "user.organisations", `user:${user.username}`, changed);
    await onAccessChanged?.({ userId: id });
    res.json({ ...user, organisations: await auth.memberships.of(id) });
  });

  router.post("/api/v1/admin/users", admin, async (req, res) => {
    const body = parseOrThrow(createUser, req.body);
    if (await auth.users.credentials(body.username)) throw new ValidationError(`user ${body.username} exists already`);
    const user = await auth.users.create(body.username, await hashPassword(body.password), body.role);
    await auth.audit.record(actor(res), "user.create", `user:${user.username}`, { role: user.role });
    res.status(201).json(user);
  });

  router.patch("/api/v1/admin/users/:id", admin, async (req, res) => {
    const id = idParam(req.params.id);
    const body = parseOrThrow(updateUser, req.body);
    const changed = await auth.accounts.change(id, {
      role: body.role,
      disabled: body.disabled,
      passwordHash: body.password ? await hashPassword(body.password) : undefined,
      revokeTokens: body.revokeTokens,
    });
    if (!changed) throw new NotFoundError(`no user ${id}`);
    const { user, endedSessions, revokedTokens, cappedTokens } = changed;
    await onAccessChanged?.({ userId: id });
    await auth.audit.record(actor(res), "user.update", `user:${user.username}`, {
      role: body.role,
      disabled: body.disabled,
      passwordChanged: Boolean(body.password),
      endedSessions,
      revokedTokens,
      cappedTokens,
    });
    res.json(user);
  });

  router.delete("/api/v1/admin/users/:id", admin, async (req, res) => {
    const id = idParam(req.params.id);
    if (id === principalOf(res).userId) throw new ValidationError("you cannot delete your own account");
    const user = await auth.users.byId(id);
    if (!user || !(await auth.users.delete(id))) throw new NotFoundError(`no user ${id}`);
    await onAccessChanged?.({ userId: id });
    await auth.audit.record(actor(res), "user.delete", `user:${user.username}`);
    res.status(204).end();
  });

  router.get("/api/v1/admin/station-tokens", admin, async (_req, res) => {
    res.json({ tokens: await stationTokens.list() });
  });

  router.post("/api/v1/admin/station-tokens", admin, async (req, res) => {
    const body = parseOrThrow(createStationToken, req.body);
    const current = catalog.current();
    const unknown = body.stations.filter((id) => id !== ALL_STATIONS && !current.station(id));
    if (unknown.length > 0) throw new ValidationError(`unknown station id(s): ${unknown.join(", ")}`);
    const created = await stationTokens.create(body.label, body.stations);
    await auth.audit.record(actor(res), "station-token.create", `station-token:${created.id}`, { label: body.label, stations: body.stations });
    res.status(201).json(created);
  });

  router.delete("/api/v1/admin/station-tokens/:id", admin, async (req, res) => {
    const id = idParam(req.params.id);
    if (!(await stationTokens.revoke(id))) throw new NotFoundError(`no active station token ${id}`);
    await auth.audit.record(actor(res), "station-token.revoke", `station-token:${id}`);
    res.status(204).end();
  });

  router.get("/api/v1/admin/settings", admin, async (_req, res) => {
    res.json(await auth.settings.get());
  });

  router.patch("/api/v1/admin/settings", admin, async (req, res) => {
    const body = parseOrThrow(settingsSchema, req.body);
    const settings = await auth.settings.update(body);
    await auth.audit.record(actor(res), "settings.update", "settings", body);
    // Who may read what changed for visitors (and, for the release settings, for everyone outside an organisation).
    if (body.publicDashboard !== undefined || body.releaseLevel !== undefined || body.publicProvisional !== undefined) await onAccessChanged?.("anonymous");
    res.json(settings);
  });

  router.get("/api/v1/admin/audit", admin, async (_req, res) => {
    res.json({ entries: await auth.audit.recent() });
  });

  return router;
}
