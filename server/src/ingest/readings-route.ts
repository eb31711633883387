// POST /api/v1/readings: JSON batches from stations and gateways.
import express, { Router } from "express";
import { z } from "zod";
import type { StationGrant, StationTokenRepository } from "../auth/station-tokens.ts";
import { authenticateStation } from "../auth/ingest-auth.ts";
import type { ErrorDetail } from "../errors.ts";
import { detailsText, parseOrDetails, parseOrThrow } from "../http/validation.ts";
import type { IngestService } from "./ingest-service.ts";
import type { ReadingCandidate } from "./reading-check.ts";
import type { IngestResponse } from "../../../common/api-types.ts";
import { QUALIFIER } from "../../../common/reading.ts";
import { isWellFormedReading, readingSchema, type ReadingInput } from "./reading-schema.ts";
import { readJsonReadings } from "./json-readings.ts";

export interface ReadingsRouteOptions {
  service: IngestService;
  tokens: StationTokenRepository;
  maxReadings: number;
  maxBytes: number;
  /** Per-client limit, shared with /write. */
  rateLimit?: express.RequestHandler;
}

export function readingsRouter(options: ReadingsRouteOptions): Router {
  const router = Router();
  const bodySchema = batchBodySchema(options.maxReadings);

  /** Not async: nothing of the request is held while the answer waits for the journal. */
  const accept = (req: express.Request, res: express.Response, grant: StationGrant): Promise<IngestResponse> => {
    const read = res.locals.readFromBytes as ReadingCandidate[] | undefined;
    if (read !== undefined) {
      res.locals.readFromBytes = undefined;
      return options.service.accept(grant, read);
    }
    // The common case checked by hand; zod words what is wrong with anything else.
    const readings = isBatchBody(req.body, options.maxReadings) ? req.body.readings : parseOrThrow(bodySchema, req.body).readings;
    // Only the candidates are needed from here on: the parsed body may go before the journal is written.
    req.body = undefined;
    return options.service.accept(grant, ...readingCandidates(readings));
  };

  router.post(
    "/api/v1/readings",
    options.rateLimit ?? ((_req: express.Request, _res: express.Response, next: express.NextFunction) => next()),
    async (req: express.Request, res: express.Response, next: express.NextFunction) => {
      // Authenticate before reading a possibly large body, and read it only once the write queue has room.
      res.locals.grant = await authenticateStation(req, options.tokens);
      await options.service.room();
      next();
    },
    // body-parser reads the body (size limit, charset, gzip) and, when readJsonReadings takes it,
    // its `verify` hook stops it there: the bytes are never decoded into a string nor JSON.parse'd.
    // Any other body is parsed and refused exactly as before.
    express.json({ limit: options.maxBytes, strict: true, type: () => true, verify: readFromBytes(options.maxReadings) }),
    readAlready,
    async (req: express.Request, res: express.Response) => {
      res.status(202).json(await accept(req, res, res.locals.grant as StationGrant));
    },
  );
  return router;
}

/** Thrown by the body parser's verify hook to say "read already; do not parse" (body-parser has no other way to stop it). */
class ReadFromBytes extends Error {
  constructor() {
    super("read from the bytes");
  }
}

/** Goes on past the body parser's ReadFromBytes; any other error goes to the error middleware. */
const readAlready: express.ErrorRequestHandler = (err, _req, _res, next) => next(err instanceof ReadFromBytes ? undefined : err);

/** body-parser's `verify`: the body's candidates into `res.locals.readFromBytes` when readJsonReadings reads it. */
function readFromBytes(maxReadings: number) {
  return (_req: unknown, res: express.Response, bytes: Buffer, charset: string): void => {
    // Only UTF-8 reads as its bytes: another "utf-" charset body-parser takes (UTF-16, UTF-7) it decodes first.
    if (charset !== "utf-8") return;
    const read = readJsonReadings(bytes, maxReadings);
    if (read === undefined) return;
    res.locals.readFromBytes = read;
    throw new ReadFromBytes();
  };
}

/** A JSON ingest body: the definition, and the wording of every refusal. */
export function batchBodySchema(maxReadings: number) {
  return z
    .object({ readings: z.array(z.unknown()).min(1, "readings is empty: send at least one reading").max(maxReadings, `at most ${maxReadings} readings per request`) })
    .strict();
}

/**
 * `{ readings: [...] }` with 1 to `max` entries and nothing else: a body the route's zod schema
 * accepts, checked without zod's per-element pass over the array (tests/unit/reading-schema.test.ts).
 */
export function isBatchBody(body: unknown, max: number): body is { readings: unknown[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  for (const key in body) if (key !== "readings") return false;
  const readings = (body as { readings?: unknown }).readings;
  return Array.isArray(readings) && readings.length >= 1 && readings.length <= max;
}

/** The batch's candidates, and what is wrong with the readings that are not well formed. */
function readingCandidates(readings: readonly unknown[]): [Array<ReadingCandidate | undefined>, ErrorDetail[]] {
  const candidates: Array<ReadingCandidate | undefined> = [];
  const problems: ErrorDetail[] = [];
  for (let index = 0; index < readings.length; index++) {
    const raw = readings[index];
    if (isWellFormedReading(raw)) {
      candidates.push(toCandidate(raw));
      continue;
    }
    const parsed = parseOrDetails(readingSchema, raw, "reading");
    if ("details" in parsed) {
      problems.push({ index, message: detailsText(parsed.details) });
      candidates.push(undefined);
    } else candidates.push(toCandidate(parsed.data));
  }
  return [candidates, problems];
}

/** The schema allows exactly one of value, belowLod and belowLoq. */
export function toCandidate(r: ReadingInput): ReadingCandidate {
  const censored = r.belowLod ? QUALIFIER.belowLod : r.belowLoq ? QUALIFIER.belowLoq : null;
  return {
    station: r.station,
    parameter: r.parameter,
    sensor: r.sensor,
    time: typeof r.time === "number" ? r.time : Date.parse(r.time),
    value: r.value ?? null,
    qualifier: censored,
    limit: r.belowLod?.lod ?? r.belowLoq?.loq ?? null,
    uncertainty: r.uncertainty ?? null,
    rawSignal: r.raw?.signal ?? null,
    calibration: r.raw?.calibration ?? null,
    unit: r.unit,
  };
}
