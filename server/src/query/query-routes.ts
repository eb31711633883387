// The read API: stations, parameters, latest values and downsampled series (the catalog as a whole
// is served by catalog/catalog-routes.ts).
//   GET /api/v1/stations                                   → StationsResponse
//   GET /api/v1/parameters                                 → ParametersResponse
//   GET /api/v1/latest[?station=|?stations=A,B,…]           → LatestResponse (per station × parameter × sensor)
//   GET /api/v1/series?station=&parameter=[&sensor=]&from=&to=&width= → SeriesResponse (default: the primary sensor)
//   GET /api/v1/series/multi?series=ST:PAR[:SENSOR],…&from=&to=&width= → { series: SeriesResponse[] }
// Each request reads one catalog snapshot. Bad input answers 400 through ValidationError and the
// shared error middleware.
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
import { parseLatestQuery, parseMultiSeriesQuery, parseSeriesQuery } from "./query-params.ts";
import { SeriesService, type SeriesServiceOptions } from "./series-service.ts";

export interface QueryRouterDeps extends SeriesServiceOptions {
  store: ReadingStore;
  catalog: CatalogSource;
  logger?: Logger;
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

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

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

  router.get("/api/v1/latest", async (req, res) => {
    const catalog = deps.catalog.current();
    const { station, stations } = parseLatestQuery(req.query, catalog);
    const body: LatestResponse = await service.latest(catalog, stations ?? station);
    res.json(body);
  });

  router.get("/api/v1/series", async (req, res) => {
    const startedAt = performance.now();
    const params = parseSeriesQuery(req.query, deps.catalog.current(), now());
    const body: SeriesResponse = await service.series(params.series, params.from, params.to, params.width, principalOf(res).userId === null);
    serverTiming(res, startedAt);
    res.json(body);
  });

  router.get("/api/v1/series/multi", async (req, res) => {
    const startedAt = performance.now();
    const params = parseMultiSeriesQuery(req.query, deps.catalog.current(), now());
    const anonymous = principalOf(res).userId === null;
    const series = await mapLimited(params.series, anonymous ? ANONYMOUS_MULTI_CONCURRENCY : MULTI_CONCURRENCY, (s) =>
      service.series(s, params.from, params.to, params.width, anonymous),
    );
    const body: MultiSeriesResponse = { series };
    serverTiming(res, startedAt);
    res.json(body);
  });

  return router;
}
