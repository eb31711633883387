// InfluxDB 1.x compatible write endpoint, so Telegraf's influxdb output, `curl --data-binary` and the
// `influx` npm client can send to Water Monitor unchanged:
//   POST /write?db=<database>&precision=<n|u|ms|s|m|h>   body: line protocol (gzip allowed)
//   GET|HEAD /ping                                        204 with X-Influxdb-Version
// Only measurement `reading` with tags station, parameter and fields value, or lod + qualifier="<LOD",
// is accepted. Other tags (e.g. Telegraf's `host`) are ignored. Errors are answered the way InfluxDB
// answers them: a status code and {"error": "..."}.
import type { IncomingMessage } from "node:http";
import express, { Router } from "express";
import { authenticateStation } from "../auth/ingest-auth.ts";
import type { StationTokenRepository } from "../auth/station-tokens.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { influxErrorStyle } from "../http/error-middleware.ts";
import type { IngestService } from "./ingest-service.ts";
import { LineProtocolError, isPrecision } from "./line-protocol.ts";
import { linesToCandidates, type LinesToCandidates } from "./reading-lines.ts";

export interface InfluxWriteRouteOptions {
  service: IngestService;
  tokens: StationTokenRepository;
  database: string;
  maxBytes: number;
  /** Version reported in X-Influxdb-Version; clients only check that it is 1.x. */
  compatVersion?: string;
  now?: () => number;
  /** Per-client limit, shared with the JSON ingest route. */
  rateLimit?: express.RequestHandler;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** Whether the request declares a charset other than UTF-8. */
function otherCharset(req: IncomingMessage): boolean {
  const charset = CHARSET.exec(req.headers["content-type"] ?? "")?.[1];
  return charset !== undefined && !/^utf-?8$/i.test(charset);
}

/** The candidates and problems of a /write body, for IngestService.accept. */
function readBody(body: string | Buffer, precision: string, now: number): [LinesToCandidates["candidates"], LinesToCandidates["problems"]] {
  let read: LinesToCandidates;
  try {
    read = linesToCandidates(body, precision, now);
  } catch (err) {
    if (err instanceof LineProtocolError) throw new ValidationError(err.message);
    throw err;
  }
  if (read.candidates.length === 0) throw new ValidationError("writing requires points");
  return [read.candidates, read.problems];
}

export function influxWriteRouter(options: InfluxWriteRouteOptions): Router {
  const router = Router();
  const version = options.compatVersion ?? "1.8.10-water-monitor";
  const now = options.now ?? Date.now;

  const ping: express.RequestHandler = (_req, res) => {
    res.setHeader("X-Influxdb-Version", version);
    res.setHeader("X-Influxdb-Build", "OSS");
    res.status(204).end();
  };
  router.get("/ping", ping);
  router.head("/ping", ping);

  router.post(
    "/write",
    // From here on every answer, the rate limiter's included, is in InfluxDB's error style.
    influxErrorStyle(),
    options.rateLimit ?? ((_req, _res, next) => next()),
    async (req, res, next) => {
      res.setHeader("X-Influxdb-Version", version);
      const db = req.query.db;
      if (typeof db !== "string" || db === "") throw new ValidationError("database is required");
      if (db !== options.database) throw new NotFoundError(`database not found: "${db}"`);
      const precision = typeof req.query.precision === "string" && req.query.precision !== "" ? req.query.precision : "n";
      if (!isPrecision(precision)) throw new ValidationError(`invalid precision "${precision}" (use n, u, ms, s, m or h)`);
      res.locals.precision = precision;
      res.locals.grant = await authenticateStation(req, options.tokens);
      await options.service.room(); // the body is read once the write queue has room
      next();
    },
    // The bytes as received (UTF-8, as InfluxDB reads them), read line by line: no string of the
    // whole body. A body declared in another charset is decoded as declared.
    express.text({ limit: options.maxBytes, type: otherCharset, defaultCharset: "utf-8" }),
    express.raw({ limit: options.maxBytes, type: () => true }),
    async (req, res) => {
      const body = typeof req.body === "string" || Buffer.isBuffer(req.body) ? req.body : "";
      // Only the readings are needed from here on: the request's bytes may go while it waits for the journal.
      req.body = undefined;
      await options.service.accept(res.locals.grant, ...readBody(body, res.locals.precision as string, now()));
      res.status(204).end();
    },
  );
  return router;
}
