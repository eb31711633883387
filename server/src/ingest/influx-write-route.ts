// InfluxDB 1.x compatible write endpoint, so Telegraf's influxdb output, `curl --data-binary` and the
// `influx` npm client can send to Water Monitor unchanged:
//   POST /write?db=<database>&precision=<n|u|ms|s|m|h>   body: line protocol (gzip allowed)
//   GET|HEAD /ping                                        204 with X-Influxdb-Version
// Only measurement `reading` with tags station, parameter and fields value, or lod + qualifier="<LOD",
// is accepted. Other tags (e.g. Telegraf's `host`) are ignored. Errors are answered the way InfluxDB
// answers them: a status code and {"error": "..."}.
import express, { Router } from "express";
import { authenticateStation } from "../auth/ingest-auth.ts";
import type { StationTokenRepository } from "../auth/station-tokens.ts";
import { NotFoundError, ValidationError, type ErrorDetail } from "../errors.ts";
import { BELOW_LOD_QUALIFIER, FIELD, MEASUREMENT, TAG } from "../influx/schema.ts";
import type { IngestService, ReadingCandidate } from "./ingest-service.ts";
import { LineProtocolError, isPrecision, parseLines, timestampToMs, type FieldValue, type ParsedLine } from "./line-protocol.ts";

export interface InfluxWriteRouteOptions {
  service: IngestService;
  tokens: StationTokenRepository;
  database: string;
  maxBytes: number;
  /** Version reported in X-Influxdb-Version; clients only check that it is 1.x. */
  compatVersion?: string;
  now?: () => number;
}

const ACCEPTED_FIELDS = new Set<string>([FIELD.value, FIELD.lod, FIELD.qualifier]);

function numeric(v: FieldValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "object") return v.integer;
  return undefined;
}

/** Maps a parsed line onto a reading candidate, or says what is wrong with it. */
export function lineToCandidate(line: ParsedLine, precision: string, now: number): ReadingCandidate | string {
  if (line.measurement !== MEASUREMENT) return `measurement ${JSON.stringify(line.measurement)} is not accepted; write measurement "${MEASUREMENT}"`;
  const station = line.tags[TAG.station];
  const parameter = line.tags[TAG.parameter];
  if (!station || !parameter) return `tags ${TAG.station} and ${TAG.parameter} are required`;
  const unknown = Object.keys(line.fields).filter((f) => !ACCEPTED_FIELDS.has(f));
  if (unknown.length > 0) return `field(s) ${unknown.join(", ")} not accepted; send ${FIELD.value}, or ${FIELD.lod} with ${FIELD.qualifier}="${BELOW_LOD_QUALIFIER}"`;
  const rawValue = line.fields[FIELD.value];
  const rawLod = line.fields[FIELD.lod];
  const qualifier = line.fields[FIELD.qualifier];
  const value = numeric(rawValue);
  const lod = numeric(rawLod);
  if (rawValue !== undefined && value === undefined) return `field ${FIELD.value} must be a number`;
  if (rawLod !== undefined && lod === undefined) return `field ${FIELD.lod} must be a number`;
  if (qualifier !== undefined && qualifier !== BELOW_LOD_QUALIFIER) return `field ${FIELD.qualifier} must be the string "${BELOW_LOD_QUALIFIER}"`;
  if ((lod !== undefined) !== (qualifier !== undefined)) return `fields ${FIELD.lod} and ${FIELD.qualifier} go together`;
  let time = now;
  if (line.timestamp !== undefined) {
    try {
      time = timestampToMs(line.timestamp, precision);
    } catch {
      return `bad timestamp ${line.timestamp}`;
    }
  }
  return { station, parameter, time, value: value ?? null, lod: lod ?? null };
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
    (req, res, next) => {
      res.locals.errorStyle = "influx";
      res.setHeader("X-Influxdb-Version", version);
      const db = req.query.db;
      if (typeof db !== "string" || db === "") throw new ValidationError("database is required");
      if (db !== options.database) throw new NotFoundError(`database not found: "${db}"`);
      const precision = typeof req.query.precision === "string" && req.query.precision !== "" ? req.query.precision : "n";
      if (!isPrecision(precision)) throw new ValidationError(`invalid precision "${precision}" (use n, u, ms, s, m or h)`);
      res.locals.precision = precision;
      res.locals.grant = authenticateStation(req, options.tokens);
      next();
    },
    express.text({ limit: options.maxBytes, type: () => true, defaultCharset: "utf-8" }),
    (req, res) => {
      const body = typeof req.body === "string" ? req.body : "";
      let lines: ParsedLine[];
      try {
        lines = parseLines(body);
      } catch (err) {
        if (err instanceof LineProtocolError) throw new ValidationError(err.message);
        throw err;
      }
      if (lines.length === 0) throw new ValidationError("writing requires points");
      const at = now();
      const problems: ErrorDetail[] = [];
      const candidates = lines.map((line, index) => {
        const result = lineToCandidate(line, res.locals.precision as string, at);
        if (typeof result === "string") {
          problems.push({ index, message: result });
          return undefined;
        }
        return result;
      });
      options.service.accept(res.locals.grant, candidates, problems);
      res.status(204).end();
    },
  );
  return router;
}
