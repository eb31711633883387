// POST /api/v1/readings: JSON batches from stations and gateways.
import express, { Router } from "express";
import { z } from "zod";
import type { StationGrant, StationTokenRepository } from "../auth/station-tokens.ts";
import { authenticateStation } from "../auth/ingest-auth.ts";
import { ValidationError, type ErrorDetail } from "../errors.ts";
import type { IngestService, ReadingCandidate } from "./ingest-service.ts";

const isoWithOffset = z.iso.datetime({ offset: true, error: "time must be ISO 8601 with a time zone (e.g. 2026-11-25T10:00:00Z) or epoch milliseconds" });

const readingSchema = z
  .object({
    station: z.string().min(1).max(100),
    parameter: z.string().min(1).max(100),
    time: z.union([isoWithOffset, z.number().int().nonnegative()], {
      error: "time must be ISO 8601 with a time zone (e.g. 2026-11-25T10:00:00Z) or epoch milliseconds",
    }),
    value: z.number({ error: "value must be a number" }).optional(),
    belowLod: z.object({ lod: z.number({ error: "belowLod.lod must be a number" }) }).strict().optional(),
    unit: z.string().max(32).optional(),
  })
  .strict();

export interface ReadingsRouteOptions {
  service: IngestService;
  tokens: StationTokenRepository;
  maxReadings: number;
  maxBytes: number;
}

export function readingsRouter(options: ReadingsRouteOptions): Router {
  const router = Router();
  const bodySchema = z
    .object({ readings: z.array(z.unknown()).min(1, "readings is empty: send at least one reading").max(options.maxReadings, `at most ${options.maxReadings} readings per request`) })
    .strict();

  router.post(
    "/api/v1/readings",
    (req, res, next) => {
      // Authenticate before reading a possibly large body.
      res.locals.grant = authenticateStation(req, options.tokens);
      next();
    },
    express.json({ limit: options.maxBytes, strict: true, type: () => true }),
    (req, res) => {
      const grant = res.locals.grant as StationGrant;
      const body = bodySchema.safeParse(req.body);
      if (!body.success) {
        throw new ValidationError(
          body.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "),
        );
      }
      const candidates: Array<ReadingCandidate | undefined> = [];
      const problems: ErrorDetail[] = [];
      body.data.readings.forEach((raw, index) => {
        const parsed = readingSchema.safeParse(raw);
        if (!parsed.success) {
          const message = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
          problems.push({ index, message });
          candidates.push(undefined);
          return;
        }
        const r = parsed.data;
        candidates.push({
          station: r.station,
          parameter: r.parameter,
          time: typeof r.time === "number" ? r.time : Date.parse(r.time),
          value: r.value ?? null,
          lod: r.belowLod?.lod ?? null,
          unit: r.unit,
        });
      });
      res.status(202).json(options.service.accept(grant, candidates, problems));
    },
  );
  return router;
}
