// HTTP hardening: security headers with a strict Content-Security-Policy the dashboard works under,
// and per-address rate limits for the routes that take data in.
import type { RequestHandler } from "express";
import helmet from "helmet";
import { rateLimit } from "express-rate-limit";

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
        connectSrc: ["'self'", "ws:", "wss:"],
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

export function rateLimited(perMinute: number, what: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (_req, res) => {
      res.setHeader("Retry-After", "60");
      res.status(429).json({ error: { code: "rate_limited", message: `Too many ${what} requests from this address (limit ${perMinute} per minute)` } });
    },
  });
}
