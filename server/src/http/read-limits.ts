// Limits on the read API (GET /api/v1/…: series, series/multi, latest, catalog, alerts, export
// estimates, …), which is anonymous when the dashboard is public:
// - a rate per client: per user when logged in, per address (IPv6: per /56) when not, the latter
//   lower; beyond it 429 + Retry-After;
// - a server-wide concurrency limit with a queue (read-gate.ts): beyond it 503 + Retry-After.
// Streamed exports (GET /api/v1/export) have their own per-user limit and are not counted here.
import type { Request, RequestHandler, Response } from "express";
import { ipKeyGenerator, rateLimit, type Store } from "express-rate-limit";
import { principalOf } from "../auth/access.ts";
import { RateLimitedError } from "../errors.ts";
import { ReadGate, type ReadGateOptions } from "./read-gate.ts";

export type { ReadGateStats } from "./read-gate.ts";
import { countsIn, secondsUntilReset } from "./security.ts";

export interface ReadLimitOptions extends ReadGateOptions {
  /** Reads per minute per logged-in user. */
  perMinute: number;
  /** Reads per minute per address for callers who are not logged in. */
  anonymousPerMinute: number;
  /** Counts shared by every instance (REDIS_URL); in this process when undefined. */
  store?: Store;
}

const WINDOW_MS = 60_000;

/** Mounted at /api/v1: a read is a GET or HEAD other than the streamed export itself. */
function isRead(req: Request): boolean {
  return (req.method === "GET" || req.method === "HEAD") && req.path !== "/export";
}

const isAnonymous = (res: Response): boolean => principalOf(res).userId === null;

export function readLimits(options: ReadLimitOptions): { gate: ReadGate; middleware: RequestHandler[] } {
  const gate = new ReadGate(options);
  const perClient = rateLimit({
    ...countsIn(options.store),
    windowMs: WINDOW_MS,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    skip: (req) => !isRead(req),
    keyGenerator: (req, res) => (isAnonymous(res) ? `ip:${ipKeyGenerator(req.ip ?? "unknown")}` : `user:${principalOf(res).userId}`),
    limit: (_req, res) => (isAnonymous(res) ? options.anonymousPerMinute : options.perMinute),
    handler: (req, res, next) => {
      const wait = secondsUntilReset(req, WINDOW_MS);
      const message = isAnonymous(res)
        ? `Too many data requests from this address (limit ${options.anonymousPerMinute} per minute without login); retry in ${wait} s, or log in for a higher limit`
        : `Too many data requests from ${principalOf(res).username} (limit ${options.perMinute} per minute); retry in ${wait} s`;
      next(new RateLimitedError(message, wait));
    },
  });
  const concurrency: RequestHandler = (req, res, next) => {
    if (!isRead(req)) return next();
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.once("close", onClose);
    gate.acquire(isAnonymous(res), gone.signal).then(
      (release) => {
        res.off("close", onClose);
        if (res.closed) return release();
        // 'close' follows 'finish', and also comes alone when the client goes away mid-answer.
        res.once("close", release);
        next();
      },
      (err: unknown) => {
        res.off("close", onClose);
        if (!gone.signal.aborted) next(err);
      },
    );
  };
  return { gate, middleware: [perClient, concurrency] };
}
