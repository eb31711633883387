// POST /api/v1/readings: JSON batches from stations and gateways.
import express, { Router } from "express";
import { z } from "zod";
import type { StationGrant, StationTokenRepository } from "../auth/station-tokens.ts";
import { authenticateStation } from "../auth/ingest-auth.ts";
import type { ErrorDetail } from "../errors.ts";
import { detailsText, parseOrDetails, parseOrThrow } from "../http/validation.ts";
import type { IngestService } from "./ingest-service.ts";
import type { ReadingCandidate } from "./reading-check.ts";
import { QUALIFIER } from "../../../common/reading.ts";
import { isWellFormedReading, readingSchema, type ReadingInput } from "./reading-schema.ts";

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
  const bodySchema = z
    .object({ readings: z.array(z.unknown()).min(1, "readings is empty: send at least one reading").max(options.maxReadings, `at most ${options.maxReadings} readings per request`) })
    .strict();

  router.post(
    "/api/v1/readings",
    options.rateLimit ?? ((_req, _res, next) => next()),
    async (req, res, next) => {
      // Authenticate before reading a possibly large body.
      res.locals.grant = await authenticateStation(req, options.tokens);
      next();
    },
    express.json({ limit: options.maxBytes, strict: true, type: () => true }),
    async (req, res) => {
      const grant = res.locals.grant as StationGrant;
      const body = parseOrThrow(bodySchema, req.body);
      const candidates: Array<ReadingCandidate | undefined> = [];
      const problems: ErrorDetail[] = [];
      body.readings.forEach((raw, index) => {
        let r: ReadingInput;
        if (isWellFormedReading(raw)) r = raw;
        else {
          const parsed = parseOrDetails(readingSchema, raw, "reading");
          if ("details" in parsed) {
            problems.push({ index, message: detailsText(parsed.details) });
            candidates.push(undefined);
            return;
          }
          r = parsed.data;
        }
        candidates.push(toCandidate(r));
      });
      res.status(202).json(await options.service.accept(grant, candidates, problems));
    },
  );
  return router;
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
