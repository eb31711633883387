// POST /api/v1/readings: JSON batches from stations and gateways.
import express, { Router } from "express";
import { z } from "zod";
import type { StationGrant, StationTokenRepository } from "../auth/station-tokens.ts";
import { authenticateStation } from "../auth/ingest-auth.ts";
import type { ErrorDetail } from "../errors.ts";
import { detailsText, parseOrDetails, parseOrThrow } from "../http/validation.ts";
import type { IngestService, ReadingCandidate } from "./ingest-service.ts";
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
        candidates.push({
          station: r.station,
          parameter: r.parameter,
          time: typeof r.time === "number" ? r.time : Date.parse(r.time),
          value: r.value ?? null,
          lod: r.belowLod?.lod ?? null,
          unit: r.unit,
        });
      });
      res.status(202).json(await options.service.accept(grant, candidates, problems));
    },
  );
  return router;
}
