// HTTP hardening: security headers with a strict Content-Security-Policy the dashboard works under,
// and per-address rate limits for the routes that take data in.
import type { Request, RequestHandler } from "express";
import { RateLimitedError } from "../errors.ts";
import helmet from "helmet";
import { rateLimit, type Store } from "express-rate-limit";

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Chart.js sizes its canvas through inline style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        // 'self' covers the live connection too: CSP Level 3 matches ws:/wss: of the page's own host.
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // Plain-HTTP installations (an agency intranet) must not have their requests upgraded.
    hsts: false,
    crossOriginEmbedderPolicy: false,
  });
}

/** Whole seconds until the caller's rate-limit window resets (at least 1). */
export function secondsUntilReset(req: Request, windowMs: number): number {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  return Math.max(1, Math.ceil((reset ? reset.getTime() - Date.now() : windowMs) / 1000));
}

/** Where a rate limit counts: in Redis for every instance (cluster/shared-limit-store.ts), else in this process. */
export function countsIn(store: Store | undefined): { store?: Store } {
  return store ? { store } : {};
}

/** At most `perMinute` requests per client address; beyond, 429 + Retry-After through the error middleware. */
export function rateLimited(perMinute: number, what: string, store?: Store): RequestHandler {
  return rateLimit({
    ...countsIn(store),
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const wait = secondsUntilReset(req, 60_000);
      next(new RateLimitedError(`Too many ${what} requests from this address (limit ${perMinute} per minute); retry in ${wait} s`, wait));
    },
  });
}
