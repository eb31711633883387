// The read API: stations, parameters, latest values and downsampled series (the catalog as a whole
// is served by catalog/catalog-routes.ts).
//   GET /api/v1/stations                                   → StationsResponse
//   GET /api/v1/parameters                                 → ParametersResponse
//   GET /api/v1/latest[?station=|?stations=A,B,…][&view=&asOf=]  → LatestResponse (per station × parameter × sensor)
//   GET /api/v1/series?station=&parameter=[&sensor=]&from=&to=&width=[&view=&asOf=] → SeriesResponse (default: the primary sensor)
//   GET /api/v1/series/multi?series=ST:PAR[:SENSOR],…&from=&to=&width=[&view=&asOf=] → { series: SeriesResponse[] }
// Each request reads one catalog snapshot. Readings come corrected (view=corrected, the default;
// view=raw: as stored), as the review stood at `asOf` (default now), labelled, and only what the
// reader may see (review/access-policy.ts): a series embargoed from the reader answers 403. Bad input
// answers 400 through ValidationError and the shared error middleware.
import { Router, type Response } from "express";
import type {
  LatestResponse,
  ParametersResponse,
  SeriesResponse,
  StationsResponse,
} from "../../../common/api-types.ts";
import { principalOf } from "../auth/access.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { Logger } from "../../../common/logger.ts";
import { ForbiddenError } from "../errors.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import type { AccessPolicy } from "../review/access-policy.ts";
import { keyOf, type CorrectedReader, type ReadOptions } from "../review/corrected-reader.ts";
import type { ChartReview } from "../review/reviewed-chart.ts";
import type { AccessSource } from "../review/viewer-access.ts";
import { parseLatestQuery, parseMultiSeriesQuery, parseSeriesQuery } from "./query-params.ts";
import { SeriesService, type SeriesServiceOptions } from "./series-service.ts";

export interface QueryRouterDeps extends SeriesServiceOptions {
  store: ReadingStore;
  catalog: CatalogSource;
  logger?: Logger;
  /** Corrected readings, who may see what, and the agency's grades (data review). */
  reader: CorrectedReader;
  access: AccessSource;
  grades: readonly string[];
}

/** 403 for a series the reader may not see at all (its owner's embargo), naming who and until when. */
export function refuseEmbargoed(policy: AccessPolicy, series: CatalogSeries): void {
  const access = policy.access(keyOf(series));
  if (access.kind !== "none") return;
  const until = access.embargo?.until ? ` until ${new Date(access.embargo.until).toISOString()}` : "";
  throw new ForbiddenError(
    `the readings of ${series.sensor.id} at ${series.station.id} are embargoed by ${access.embargo?.organisation ?? "their owner"}${until}; only its members and admins may read them`,
  );
}

export interface MultiSeriesResponse {
  series: SeriesResponse[];
}

/** InfluxDB requests in flight for one multi-series request: enough to overlap, not to flood. */
const MULTI_CONCURRENCY = 8;
/**
 * The same for callers who are not logged in: one series (and one source of it) after another, so
 * the few read slots they may hold (read-gate.ts) keep InfluxDB and this process busy with at most
 * that many queries, and a public dashboard's crowd cannot crowd out a researcher
 * (tests/bench/read-load.bench.ts).
 */
const ANONYMOUS_MULTI_CONCURRENCY = 1;

/** Lets `npm run bench` and browser dev tools see how long the server spent, without the network. */
function serverTiming(res: Response, startedAt: number): void {
  res.setHeader("Server-Timing", `query;dur=${(performance.now() - startedAt).toFixed(1)}`);
}

export function queryRouter(deps: QueryRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const service = new SeriesService(deps.store, { ...deps, now, logger: deps.logger?.child({ module: "query" }) });
  const router = Router();

  router.get("/api/v1/stations", (_req, res) => {
    const body: StationsResponse = { stations: [...deps.catalog.current().stations] };
    res.json(body);
  });

  router.get("/api/v1/parameters", (_req, res) => {
    const { data } = deps.catalog.current();
    const body: ParametersResponse = { parameters: data.parameters, standards: data.standards, sources: data.sources };
    res.json(body);
  });

  const review = async (res: Response, read: ReadOptions): Promise<ChartReview> => ({
    reader: deps.reader,
    read,
    policy: await deps.access.forPrincipal(principalOf(res)),
    grades: deps.grades,
  });

  router.get("/api/v1/latest", async (req, res) => {
    const catalog = deps.catalog.current();
    const { station, stations, read } = parseLatestQuery(req.query, catalog, now());
    const body: LatestResponse = await service.latest(catalog, stations ?? station, await review(res, read));
    res.json(body);
  });

  router.get("/api/v1/series", async (req, res) => {
    const startedAt = performance.now();
    const params = parseSeriesQuery(req.query, deps.catalog.current(), now());
    const chart = await review(res, params.read);
    refuseEmbargoed(chart.policy, params.series);
    const body: SeriesResponse = await service.series(params.series, params.from, params.to, params.width, {
      review: chart,
      oneQueryAtATime: principalOf(res).userId === null,
    });
    serverTiming(res, startedAt);
    res.json(body);
  });

  router.get("/api/v1/series/multi", async (req, res) => {
    const startedAt = performance.now();
    const params = parseMultiSeriesQuery(req.query, deps.catalog.current(), now());
    const anonymous = principalOf(res).userId === null;
    const chart = await review(res, params.read);
    for (const s of params.series) refuseEmbargoed(chart.policy, s);
    const series = await service.seriesMany(params.series, params.from, params.to, params.width, {
      review: chart,
      oneQueryAtATime: anonymous,
      concurrency: anonymous ? ANONYMOUS_MULTI_CONCURRENCY : MULTI_CONCURRENCY,
    });
    const body: MultiSeriesResponse = { series };
    serverTiming(res, startedAt);
    res.json(body);
  });

  return router;
}
