// Subscriptions over HTTP.
// Each needs OWNER_ROLE (researcher); a subscription belongs to its owner's user id.
//   GET    /api/v1/subscriptions          researcher → own subscriptions (admin: ?all=1 for everyone's)
//   POST   /api/v1/subscriptions          researcher → 201 { subscription, secret? } (webhook secret shown once)
//   DELETE /api/v1/subscriptions/:id      owner or admin
//   GET    /api/v1/notifications          researcher → own in-app inbox
// Token routes (mounted before session auth: the token is the credential, and a mail client's
// one-click POST carries no session or CSRF token). GETs only show a page with a button: mail
// scanners and link previews follow links, and must neither confirm nor unsubscribe. They are
// rate-limited per address: anyone may call them.
//   GET    /api/v1/subscriptions/confirm?token=       page with a "Confirm" button
//   POST   /api/v1/subscriptions/confirm?token=       double opt-in
//   GET    /api/v1/subscriptions/unsubscribe?token=   page with an "Unsubscribe" button
//   POST   /api/v1/subscriptions/unsubscribe?token=   RFC 8058 one-click unsubscribe
import { Router, type RequestHandler, type Response } from "express";
import { principalOf, requireRole } from "../auth/access.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { ForbiddenError, ValidationError } from "../errors.ts";
import { idParam } from "../http/validation.ts";
import type { Notifier } from "./notifier.ts";
import { OWNER_ROLE } from "./owner-rights.ts";
import { publicView, type SubscriptionRepository } from "./subscription-repository.ts";
import { parseSubscription, type WebhookTargetPolicy } from "./subscription-schema.ts";
import type { WebhookGuard } from "./webhook-guard.ts";

export interface SubscriptionRouterDeps {
  subscriptions: SubscriptionRepository;
  notifier: Notifier;
  catalog: CatalogSource;
  webhooks: WebhookTargetPolicy;
  /** Where webhooks may go (InfluxDB and this server never; local addresses if allowed), with DNS. */
  webhookGuard: WebhookGuard;
  emailEnabled: boolean;
  /** Subscriptions one user may have (MAX_SUBSCRIPTIONS_PER_USER). */
  maxPerUser: number;
}

function tokenParam(value: unknown): string {
  if (typeof value !== "string" || value.length < 10 || value.length > 200) throw new ValidationError("a token query parameter is required");
  return value;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: Response, title: string, body: string): void {
  // HTML first: a browser (or anything asking for */*) opening a mailed link gets the page.
  res.format({
    html: () => res.type("html").send(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1>${body}`),
    json: () => res.json({ ok: true, message: title }),
  });
}

export function subscriptionTokenRouter(deps: Pick<SubscriptionRouterDeps, "subscriptions"> & { rateLimit: RequestHandler }): Router {
  const router = Router();
  // Unauthenticated: whoever tries tokens at random is slowed down like any other anonymous caller.
  router.use(["/api/v1/subscriptions/confirm", "/api/v1/subscriptions/unsubscribe"], deps.rateLimit);
  router.get("/api/v1/subscriptions/confirm", async (req, res) => {
    const s = await deps.subscriptions.byConfirmToken(tokenParam(req.query.token));
    page(res, "Confirm Water Monitor alert e-mails?", `<p>${escapeHtml(s.email ?? "")}</p><form method="post"><button type="submit">Confirm</button></form>`);
  });
  router.post("/api/v1/subscriptions/confirm", async (req, res) => {
    const s = await deps.subscriptions.confirm(tokenParam(req.query.token));
    page(res, "Subscription confirmed", `<p>Alerts will be sent to ${escapeHtml(s.email ?? "")}.</p>`);
  });
  router.get("/api/v1/subscriptions/unsubscribe", async (req, res) => {
    const s = await deps.subscriptions.byUnsubscribeToken(tokenParam(req.query.token));
    page(res, "Unsubscribe from Water Monitor alerts?", `<p>${escapeHtml(s.email ?? "")}</p><form method="post"><button type="submit">Unsubscribe</button></form>`);
  });
  router.post("/api/v1/subscriptions/unsubscribe", async (req, res) => {
    await deps.subscriptions.unsubscribe(tokenParam(req.query.token));
    page(res, "Unsubscribed", "<p>You will receive no more alerts from this subscription.</p>");
  });
  return router;
}

export function subscriptionRouter(deps: SubscriptionRouterDeps): Router {
  const router = Router();
  const owner = requireRole(OWNER_ROLE);

  router.get("/api/v1/subscriptions", owner, async (req, res) => {
    const p = principalOf(res);
    const all = req.query.all === "1" && p.role === "admin";
    res.json({ subscriptions: (await deps.subscriptions.list(all ? undefined : p.userId!)).map(publicView) });
  });

  router.post("/api/v1/subscriptions", owner, async (req, res) => {
    const input = parseSubscription(req.body, deps.catalog.current(), deps.webhooks, deps.emailEnabled);
    if (input.webhookUrl !== undefined) {
      const problem = await deps.webhookGuard.subscriptionProblem(new URL(input.webhookUrl));
      if (problem) throw new ValidationError(problem);
    }
    const p = principalOf(res);
    const { subscription, confirmToken } = await deps.subscriptions.create(input, { id: p.userId!, username: p.username }, deps.maxPerUser);
    if (confirmToken) await deps.notifier.requestConfirmation(subscription, confirmToken);
    res.status(201).json({
      subscription: publicView(subscription),
      // Shown once: the receiver needs it to check X-WaterMonitor-Signature.
      ...(subscription.channel === "webhook" ? { secret: subscription.secret } : {}),
    });
  });

  router.delete("/api/v1/subscriptions/:id", owner, async (req, res) => {
    const id = idParam(req.params.id);
    const s = await deps.subscriptions.get(id);
    const p = principalOf(res);
    if (s.ownerId !== p.userId && p.role !== "admin") throw new ForbiddenError("only the owner or an admin may delete a subscription");
    await deps.subscriptions.delete(id);
    res.status(204).end();
  });

  router.get("/api/v1/notifications", owner, async (_req, res) => {
    res.json({ notifications: await deps.notifier.inbox(principalOf(res).userId!) });
  });

  return router;
}
