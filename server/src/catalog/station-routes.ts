// Stations in the managed catalog (admin):
//   POST   /api/v1/catalog/stations                  a station (+ simulatedSensors: parameter codes, for a simulated one) → 201
//   PATCH  /api/v1/catalog/stations/:id              change fields; "id" renames it while it has no data
//   GET    /api/v1/catalog/stations/:id/retirement   what retiring it would do
//   POST   /api/v1/catalog/stations/:id/retire       retire it now: no more readings, its data stays readable
//   DELETE /api/v1/catalog/stations/:id              a station without data and without sensors
import { Router } from "express";
import { z } from "zod";
import type { StationRetirement } from "../../../common/api-types.ts";
import { parameterCode, stationId, stationSchema, type Station } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { requireRole } from "../auth/access.ts";
import { parseOrThrow } from "../http/validation.ts";
import type { ManagedCatalog } from "./catalog-store.ts";
import { actorOf, answer, findOr404, focus, objectBody, patched, refused } from "./route-kit.ts";
import { simulatedSensor } from "./simulated-sensors.ts";

export interface StationRouterDeps {
  catalog: ManagedCatalog;
  now: () => number;
  /** Alert rules that watch the station (for the retirement preview). */
  rulesAt: (station: string) => Promise<number>;
}

const createBody = stationSchema.extend({ simulatedSensors: z.array(parameterCode).max(200).optional() });
const retireBody = z.object({}).strict();

const openDeployments = (catalog: CatalogSnapshot, station: string) =>
  catalog.sensors.flatMap((s) => s.deployments.filter((d) => d.station === station && d.to === null).map((d) => ({ sensor: s.id, parameter: s.parameter, from: d.from, primary: d.primary })));

export function stationRouter(deps: StationRouterDeps): Router {
  const router = Router();
  router.use("/api/v1/catalog/stations", requireRole("admin"));

  router.post("/api/v1/catalog/stations", async (req, res) => {
    const body = objectBody(req.body);
    const { simulatedSensors = [], ...station } = parseOrThrow(createBody, body);
    if (simulatedSensors.length > 0 && !station.simulated) {
      throw refused("simulatedSensors", `only a simulated station gets simulated sensors; set simulated to true or add its sensors under /api/v1/catalog/sensors`);
    }
    const from = new Date(deps.now()).toISOString();
    const result = await deps.catalog.change({ actor: actorOf(res), action: "station.create", focus: focus("stations", station.id) }, (draft, current) => {
      if (current.station(station.id)) throw refused("id", `a station "${station.id}" exists already`);
      draft.stations.push(station);
      for (const code of new Set(simulatedSensors)) {
        const parameter = current.parameter(code);
        if (!parameter) throw refused("simulatedSensors", `unknown parameter ${JSON.stringify(code)}`);
        draft.sensors.push(simulatedSensor(current, station, parameter, from));
      }
    });
    answer(res, result, 201, { station: deps.catalog.current().station(station.id) });
  });

  router.patch("/api/v1/catalog/stations/:id", async (req, res) => {
    const id = req.params.id;
    const existing = findOr404(deps.catalog.current().stations, (s) => s.id, id, "station");
    const next: Station = patched(stationSchema, existing, req.body, {});
    const renamed = next.id !== existing.id;
    const result = await deps.catalog.change({ actor: actorOf(res), action: renamed ? "station.rename" : "station.update", focus: focus("stations", next.id) }, (draft, current) => {
      if (renamed && current.station(next.id)) throw refused("id", `a station "${next.id}" exists already`);
      draft.stations = draft.stations.map((s) => (s.id === id ? next : s));
      // A station without data may still be renamed: what names it follows (its data would not).
      if (!renamed) return;
      draft.sensors = draft.sensors.map((s) =>
        s.deployments.some((d) => d.station === id) ? { ...s, deployments: s.deployments.map((d) => (d.station === id ? { ...d, station: next.id } : d)) } : s,
      );
      draft.standards = draft.standards.map((s) =>
        s.scope.kind === "stations" && s.scope.ids.includes(id) ? { ...s, scope: { kind: "stations", ids: s.scope.ids.map((x) => (x === id ? next.id : x)) } } : s,
      );
    });
    answer(res, result, 200, { station: deps.catalog.current().station(next.id) });
  });

  router.get("/api/v1/catalog/stations/:id/retirement", async (req, res) => {
    parseOrThrow(z.object({}).strict(), req.query, "query");
    const catalog = deps.catalog.current();
    const station = findOr404(catalog.stations, (s) => s.id, req.params.id, "station");
    const body: StationRetirement = {
      station: station.id,
      status: station.status,
      at: new Date(deps.now()).toISOString(),
      endsDeployments: openDeployments(catalog, station.id),
      alertRules: await deps.rulesAt(station.id),
      simulated: station.simulated,
    };
    res.json(body);
  });

  router.post("/api/v1/catalog/stations/:id/retire", async (req, res) => {
    parseOrThrow(retireBody, req.body ?? {});
    const id = req.params.id;
    findOr404(deps.catalog.current().stations, (s) => s.id, id, "station");
    const at = new Date(deps.now()).toISOString();
    const result = await deps.catalog.change({ actor: actorOf(res), action: "station.retire", focus: focus("stations", id) }, (draft) => {
      draft.stations = draft.stations.map((s) => (s.id === id ? { ...s, status: "retired" } : s));
      // Its sensors are taken out as it closes: free to be installed elsewhere, their history kept here.
      draft.sensors = draft.sensors.map((s) =>
        s.deployments.some((d) => d.station === id && d.to === null)
          ? { ...s, deployments: s.deployments.map((d) => (d.station === id && d.to === null ? { ...d, to: Date.parse(d.from) < Date.parse(at) ? at : d.from } : d)) }
          : s,
      );
      // A deployment that would start at its end (installed this very instant) is not a deployment.
      draft.sensors = draft.sensors.map((s) => (s.deployments.some((d) => d.to !== null && d.to === d.from) ? { ...s, deployments: s.deployments.filter((d) => d.to !== d.from) } : s));
    });
    answer(res, result, 200, { station: deps.catalog.current().station(id) });
  });

  router.delete("/api/v1/catalog/stations/:id", async (req, res) => {
    const id = stationIdParam(req.params.id);
    const catalog = deps.catalog.current();
    findOr404(catalog.stations, (s) => s.id, id, "station");
    const sensors = catalog.sensors.filter((s) => s.deployments.some((d) => d.station === id)).map((s) => s.id);
    if (sensors.length > 0) {
      throw refused("", `${id} has had sensors (${sensors.join(", ")}): remove them first, or retire the station instead`);
    }
    const result = await deps.catalog.change({ actor: actorOf(res), action: "station.delete", focus: focus("stations", id) }, (draft) => {
      draft.stations = draft.stations.filter((s) => s.id !== id);
    });
    answer(res, result, 200, { deleted: id });
  });

  return router;
}

function stationIdParam(raw: string): string {
  const parsed = stationId.safeParse(raw);
  if (!parsed.success) throw refused("id", parsed.error.issues[0]!.message);
  return parsed.data;
}
