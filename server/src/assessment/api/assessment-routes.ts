// Compliance assessments over HTTP (issue #18).
//   GET /api/v1/assessments?year|from&to|rolling=12m&stations&parameters&basis&approvedOnly&asOf&macMode
//       &versionRule&sensors&include=monthly,loads,values&format=json|csv      viewer (include=values: researcher)
//   GET /api/v1/assessments/loads?(the same period and options)&format=csv|json viewer → daily and period loads
//   GET /api/v1/assessments/years?station&parameters&fromYear&toYear&basis…     viewer → year-over-year rows
import { Router } from "express";
import type { AssessmentInclude, LoadsResponse } from "../../../../common/assessment-api.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import { principalOf, requireRole } from "../../auth/access.ts";
import { roleAtLeast } from "../../auth/roles.ts";
import { ForbiddenError } from "../../errors.ts";
import type { Clock } from "../../util/clock.ts";
import type { AssessmentDataSource } from "../data/data-source.ts";
import { assessmentCsv, loadsCsv } from "./assessment-csv.ts";
import { parseAssessmentQuery, parseYearsQuery, type AssessmentQuery } from "./assessment-params.ts";
import type { AssessmentService } from "./assessment-service.ts";
import { assessmentResponse, yearsResponse } from "./assessment-view.ts";

export interface AssessmentRouterDeps {
  service: AssessmentService;
  data: AssessmentDataSource;
  catalog: () => CatalogSnapshot;
  clock: Clock;
}

function fileName(q: AssessmentQuery, what: string): string {
  const p = q.period;
  const span = p.kind === "calendar-year" ? String(p.year) : p.kind === "rolling-12-months" ? "last-12-months" : `${p.text.from}_${p.text.to}`.replace(/[^0-9A-Za-z_-]/g, "");
  return `water-monitor-${what}-${span}.csv`;
}

export function assessmentRouter(deps: AssessmentRouterDeps): Router {
  const router = Router();

  async function run(q: AssessmentQuery) {
    const now = deps.clock.now();
    const outcome = await deps.service.assess(q);
    return assessmentResponse(q, outcome, deps.data.notes({ asOf: q.asOf, approvedOnly: q.approvedOnly }), now);
  }

  router.get("/api/v1/assessments", requireRole("viewer"), async (req, res) => {
    const q = parseAssessmentQuery(req.query, deps.catalog(), deps.clock.now());
    // Verdicts, margins, monthly means and loads are public results; the values behind them are details.
    const principal = principalOf(res);
    if (q.include.has("values") && !roleAtLeast(principal.role, "researcher")) {
      throw new ForbiddenError(`include=values (the values used) needs the researcher role; ${principal.username} is ${principal.role ?? "without a role"}`);
    }
    const body = await run(q);
    res.setHeader("X-Assessment-Cache", `hits=${body.cache.hits}, misses=${body.cache.misses}`);
    if (q.format === "csv") {
      res.type("text/csv; charset=utf-8; header=present").attachment(fileName(q, "assessment")).send(assessmentCsv(body, q.catalog));
      return;
    }
    res.json(body);
  });

  router.get("/api/v1/assessments/loads", requireRole("viewer"), async (req, res) => {
    const parsed = parseAssessmentQuery({ format: "csv", ...req.query }, deps.catalog(), deps.clock.now());
    const include = new Set<AssessmentInclude>(["loads"]);
    const body = await run({ ...parsed, include });
    if (parsed.format === "csv") {
      res.type("text/csv; charset=utf-8; header=present").attachment(fileName(parsed, "loads")).send(loadsCsv(body));
      return;
    }
    const loads: LoadsResponse = {
      request: body.request,
      rules: body.rules,
      sources: body.sources,
      stations: body.stations.map((s) => ({
        station: s.station,
        zone: s.zone,
        from: s.from,
        to: s.to,
        series: s.series.map((x) => ({ parameter: x.parameter, unit: x.unit, loads: x.loads ?? null })),
      })),
    };
    res.json(loads);
  });

  router.get("/api/v1/assessments/years", requireRole("viewer"), async (req, res) => {
    const q = parseYearsQuery(req.query, deps.catalog(), deps.clock.now());
    const years = [];
    for (let year = q.fromYear; year <= q.toYear; year++) {
      const outcome = await deps.service.assess({ ...q, period: { kind: "calendar-year", year }, stations: [q.station], include: new Set() });
      years.push({ year, station: outcome.stations[0]! });
    }
    res.json(yearsResponse(q, years));
  });

  return router;
}
