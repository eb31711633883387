// Sensors in the managed catalog (admin). Deployments and calibrations only grow: a sensor is
// installed from a time, its deployment ended at a time, moved (end + new), and calibrations are
// appended with the next version number, so what a reading's time and calibration refer to stays.
//   POST   /api/v1/catalog/sensors                          a sensor → 201
//   PATCH  /api/v1/catalog/sensors/:id                      change its fields (not id, deployments, calibrations)
//   DELETE /api/v1/catalog/sensors/:id                      a sensor without data
//   POST   /api/v1/catalog/sensors/:id/deployments          { station, from, primary } install it
//   POST   /api/v1/catalog/sensors/:id/deployments/end      { to } end its current deployment
//   POST   /api/v1/catalog/sensors/:id/move                 { station, at, primary } end + install
//   POST   /api/v1/catalog/sensors/:id/calibrations         { at, by, reference, function, note? } → version n+1
import { Router } from "express";
import { z } from "zod";
import { calibrationSchema, deploymentSchema, sensorSchema, stationId, type Deployment, type Sensor } from "../../../common/catalog-model.ts";
import { requireRole } from "../auth/access.ts";
import { ValidationError } from "../errors.ts";
import { parseOrThrow } from "../http/validation.ts";
import type { ManagedCatalog } from "./catalog-store.ts";
import { actorOf, answer, findOr404, focus, patched, refused } from "./route-kit.ts";

export interface SensorRouterDeps {
  catalog: ManagedCatalog;
}

const createBody = z.object({ deployments: z.array(z.unknown()).default([]), calibrations: z.array(z.unknown()).default([]) }).passthrough();
const installBody = z.object({ station: stationId, from: z.string(), primary: z.boolean().default(false) }).strict();
const endBody = z.object({ to: z.string() }).strict();
const moveBody = z.object({ station: stationId, at: z.string(), primary: z.boolean().default(false) }).strict();
const calibrationBody = calibrationSchema.omit({ version: true }).strict();

const FIXED = {
  id: "a sensor's id is part of its readings' identity; add a new sensor instead",
  deployments: "use POST …/deployments, …/deployments/end or …/move",
  calibrations: "use POST …/calibrations",
};

function deployment(input: unknown, path: string): Deployment {
  const parsed = deploymentSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => {
      const field = [path, ...i.path.map(String)].filter(Boolean).join(".");
      return { path: field, message: `${field}: ${i.message}` };
    });
    throw new ValidationError(`Invalid deployment: ${details.map((d) => d.message).join("; ")}`, details);
  }
  return parsed.data;
}

const open = (s: Sensor) => s.deployments.find((d) => d.to === null);

export function sensorRouter(deps: SensorRouterDeps): Router {
  const router = Router();
  router.use("/api/v1/catalog/sensors", requireRole("admin"));
  const sensorOf = (id: string) => findOr404(deps.catalog.current().sensors, (s) => s.id, id, "sensor");

  /** Replaces the sensor by `next(sensor)` in one checked change. */
  const update = (res: Parameters<typeof actorOf>[0], id: string, action: string, next: (s: Sensor) => Sensor) =>
    deps.catalog.change({ actor: actorOf(res), action, focus: focus("sensors", id) }, (draft) => {
      draft.sensors = draft.sensors.map((s) => (s.id === id ? next(s) : s));
    });

  router.post("/api/v1/catalog/sensors", async (req, res) => {
    const sensor = parseOrThrow(sensorSchema, parseOrThrow(createBody, req.body));
    const result = await deps.catalog.change({ actor: actorOf(res), action: "sensor.create", focus: focus("sensors", sensor.id) }, (draft, current) => {
      if (current.sensor(sensor.id)) throw refused("id", `a sensor "${sensor.id}" exists already`);
      draft.sensors.push(sensor);
    });
    answer(res, result, 201, { sensor: deps.catalog.current().sensor(sensor.id) });
  });

  router.patch("/api/v1/catalog/sensors/:id", async (req, res) => {
    const existing = sensorOf(req.params.id);
    const patch = req.body as unknown;
    patched(sensorSchema, existing, patch, FIXED);
    // Applied to the sensor as it is when the change runs (an install may have come in between).
    const result = await update(res, existing.id, "sensor.update", (s) => patched(sensorSchema, s, patch, FIXED));
    answer(res, result, 200, { sensor: deps.catalog.current().sensor(existing.id) });
  });

  router.delete("/api/v1/catalog/sensors/:id", async (req, res) => {
    const existing = sensorOf(req.params.id);
    const result = await deps.catalog.change({ actor: actorOf(res), action: "sensor.delete", focus: focus("sensors", existing.id) }, (draft) => {
      draft.sensors = draft.sensors.filter((s) => s.id !== existing.id);
    });
    answer(res, result, 200, { deleted: existing.id });
  });

  router.post("/api/v1/catalog/sensors/:id/deployments", async (req, res) => {
    const existing = sensorOf(req.params.id);
    const body = parseOrThrow(installBody, req.body);
    const d = deployment({ station: body.station, from: body.from, to: null, primary: body.primary }, "");
    const result = await update(res, existing.id, "sensor.install", (s) => {
      const current = open(s);
      if (current) {
        throw refused("from", `${s.id} is installed at ${current.station} since ${current.from}; end that deployment first (…/deployments/end) or move the sensor (…/move)`);
      }
      return { ...s, deployments: [...s.deployments, d] };
    });
    answer(res, result, 201, { sensor: deps.catalog.current().sensor(existing.id) });
  });

  router.post("/api/v1/catalog/sensors/:id/deployments/end", async (req, res) => {
    const existing = sensorOf(req.params.id);
    const { to } = parseOrThrow(endBody, req.body);
    const result = await update(res, existing.id, "sensor.end-deployment", (s) => {
      const current = open(s);
      if (!current) throw refused("to", `${s.id} has no deployment without an end`);
      const ended = deployment({ ...current, to }, "");
      return { ...s, deployments: s.deployments.map((x) => (x === current ? ended : x)) };
    });
    answer(res, result, 200, { sensor: deps.catalog.current().sensor(existing.id) });
  });

  router.post("/api/v1/catalog/sensors/:id/move", async (req, res) => {
    const existing = sensorOf(req.params.id);
    const body = parseOrThrow(moveBody, req.body);
    const result = await update(res, existing.id, "sensor.move", (s) => {
      const current = open(s);
      if (!current) throw refused("at", `${s.id} is not installed anywhere; install it (…/deployments) instead`);
      if (current.station === body.station) throw refused("station", `${s.id} is installed there already`);
      const ended = deployment({ ...current, to: body.at }, "at");
      const next = deployment({ station: body.station, from: body.at, to: null, primary: body.primary }, "at");
      return { ...s, deployments: [...s.deployments.map((x) => (x === current ? ended : x)), next] };
    });
    answer(res, result, 200, { sensor: deps.catalog.current().sensor(existing.id) });
  });

  router.post("/api/v1/catalog/sensors/:id/calibrations", async (req, res) => {
    const existing = sensorOf(req.params.id);
    const body = parseOrThrow(calibrationBody, req.body);
    let version = 0;
    const result = await update(res, existing.id, "sensor.calibrate", (s) => {
      version = Math.max(0, ...s.calibrations.map((c) => c.version)) + 1;
      return { ...s, calibrations: [...s.calibrations, { version, ...body }] };
    });
    answer(res, result, 201, { sensor: deps.catalog.current().sensor(existing.id), calibration: version });
  });

  return router;
}
