// The maintenance API's bodies and queries, checked at the edge (zod), then against the catalog and
// the clock: typed values, or a 400 naming every problem (http/validation.ts).
import { z } from "zod";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { MAX_MAINTENANCE_MS } from "../../../common/maintenance.ts";
import type { ErrorDetail } from "../errors.ts";
import { invalid, parseOrThrow } from "../http/validation.ts";
import { bodyTime, timeParam } from "../query/query-params.ts";

const MINUTE_MS = 60_000;

const createBody = z.strictObject({
  station: z.string({ error: "station is required: a catalog station id" }).trim().min(1, "station must not be empty").max(100),
  /** Absent or null: the whole station. */
  parameter: z.string().trim().min(1).max(100).nullable().optional(),
  reason: z
    .string({ error: "reason is required: say what is done (it is shown on the station and kept in the audit log)" })
    .trim()
    .min(1, "reason must not be empty: say what is done (it is shown on the station and kept in the audit log)")
    .max(500, "reason: at most 500 characters"),
  /** From now for this long. */
  durationMinutes: z.number({ error: "durationMinutes must be a number of minutes" }).int("durationMinutes must be whole minutes").positive("durationMinutes must be at least 1").optional(),
  /** A planned period (both, or only `to`: from now until then). */
  from: bodyTime.optional(),
  to: bodyTime.optional(),
});

export interface MaintenancePlan {
  station: string;
  parameter: string | null;
  reason: string;
  from: number;
  to: number;
}

/** A request to start or plan a window, checked whole: every problem at once, nothing half-applied. */
export function parseMaintenanceRequest(body: unknown, catalog: CatalogSnapshot, now: number): MaintenancePlan {
  const b = parseOrThrow(createBody, body);
  const details: ErrorDetail[] = [];
  const station = catalog.station(b.station);
  if (!station) details.push({ path: "station", message: `unknown station ${JSON.stringify(b.station)}; the catalog has ${catalog.stations.map((s) => s.id).join(", ")}` });
  const parameter = b.parameter ?? null;
  if (station && parameter !== null && !catalog.measures(station.id, parameter)) {
    const measured = catalog.parametersOf(station.id).map((p) => p.code);
    details.push({ path: "parameter", message: `${station.id} measures no ${JSON.stringify(parameter)}; it measures: ${measured.join(", ")}` });
  }
  let from = now;
  let to = now;
  if (b.durationMinutes !== undefined) {
    if (b.from !== undefined || b.to !== undefined) details.push({ message: "give durationMinutes (from now) or from/to (a planned period), not both" });
    to = now + b.durationMinutes * MINUTE_MS;
  } else if (b.to !== undefined) {
    from = b.from ?? now;
    to = b.to;
  } else {
    details.push({ path: b.from === undefined ? "durationMinutes" : "to", message: "say how long: durationMinutes (from now), or to (with from for a planned period)" });
  }
  if (details.length === 0) {
    if (to <= from) details.push({ path: "to", message: `the window ends (${new Date(to).toISOString()}) before it starts (${new Date(from).toISOString()}); to must be after from` });
    else if (to - from > MAX_MAINTENANCE_MS) details.push({ path: "to", message: `the window is ${Math.ceil((to - from) / 86_400_000)} days long; at most ${MAX_MAINTENANCE_MS / 86_400_000} days (a year) are accepted — retire the station in the catalog instead` });
  }
  if (details.length > 0) invalid("request body", details);
  return { station: station!.id, parameter, reason: b.reason, from, to };
}

const listQuery = z.strictObject({
  station: z.string().min(1).max(100).optional(),
  /** Windows overlapping [from, to); default: those active now or planned. */
  from: timeParam.optional(),
  to: timeParam.optional(),
});

export interface MaintenanceQuery {
  station: string | undefined;
  from: number | undefined;
  to: number | undefined;
}

export function parseMaintenanceQuery(query: unknown, catalog: CatalogSnapshot): MaintenanceQuery {
  const q = parseOrThrow(listQuery, query, "query");
  const details: ErrorDetail[] = [];
  if (q.station !== undefined && !catalog.station(q.station)) details.push({ path: "station", message: `unknown station ${JSON.stringify(q.station)}` });
  if ((q.from === undefined) !== (q.to === undefined)) details.push({ path: q.from === undefined ? "from" : "to", message: "give from and to together (a period), or neither (windows active now or planned)" });
  if (q.from !== undefined && q.to !== undefined && q.to <= q.from) details.push({ path: "to", message: "to must be after from" });
  if (q.from !== undefined && q.station === undefined) details.push({ path: "station", message: "a period is asked for one station: give station" });
  if (details.length > 0) invalid("query", details);
  return { station: q.station, from: q.from, to: q.to };
}
