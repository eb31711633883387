// The review API (issue #17).
//   GET  /api/v1/review/corrections?station&parameter[&sensor&from&to&asOf]   viewer → CorrectionsResponse
//   POST /api/v1/review/corrections          reviewer { station, parameter, sensor?, from, to, action, reason, reference? } → 201 CorrectionInfo
//   POST /api/v1/review/corrections/preview  reviewer, same body → raw and corrected points of the range (nothing stored)
//   POST /api/v1/review/corrections/:id/undo reviewer { reason } → CorrectionInfo (the undo is a new record)
//   GET  /api/v1/review/approvals?station&parameter[&sensor&from&to&asOf]     viewer → ApprovalsResponse
//   POST /api/v1/review/approvals            reviewer { series…, from, to, level: checked|approved, reason } → 201
//   POST /api/v1/review/unapprovals          reviewer { series…, from, to, reason, level?: checked|raw } → 201
//   GET  /api/v1/review/grades?station&parameter[&sensor&from&to&asOf]        viewer → { grades, segments }
//   POST /api/v1/review/grades               reviewer { series…, from, to, grade, reason } → 201
//   GET  /api/v1/review/embargoes            viewer → { embargoes } (the newest record per sensor or station)
//   POST /api/v1/review/embargoes            reviewer { sensor | station, until | null, reason } → 201 EmbargoInfo
//   GET  /api/v1/review/queue?olderThanDays&station  reviewer → ReviewQueueResponse
//   GET  /api/v1/audit?series=ST:PAR[:SENSOR]&from&to&limit  viewer → ReviewAuditResponse (read only: no route changes it)
// Writes need the reviewer role and membership of the organisation owning the series (or admin);
// reads follow the access policy (an embargoed series answers 403).
import { Router, type Response } from "express";
import type { SeriesPoint } from "../../../common/api-types.ts";
import type { ApprovalsResponse, CorrectionsResponse, ReviewAuditResponse } from "../../../common/review.ts";
import { principalOf, requireRole } from "../auth/access.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { ValidationError } from "../errors.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { refuseEmbargoed } from "../query/query-routes.ts";
import { parseWith } from "../query/query-params.ts";
import type { Clock } from "../util/clock.ts";
import { activeEmbargoes } from "./access-policy.ts";
import { keyOf, type CorrectedReader } from "./corrected-reader.ts";
import {
  approvalBody,
  auditQuery,
  embargoBody,
  gradeBody,
  parseCorrection,
  parseSeriesText,
  queueQuery,
  resolveSeriesKey,
  seriesQuery,
  unapprovalBody,
  undoBody,
} from "./review-params.ts";
import type { ReviewQueue } from "./review-queue.ts";
import type { ReviewRepository } from "./review-repository.ts";
import type { ReviewService } from "./review-service.ts";
import { clip } from "./timeline.ts";
import type { AccessSource } from "./viewer-access.ts";

/** Readings one preview shows at most (it is for a chart, before saving). */
export const PREVIEW_MAX_POINTS = 20_000;

export interface ReviewRouterDeps {
  service: ReviewService;
  repo: ReviewRepository;
  reader: CorrectedReader;
  queue: ReviewQueue;
  access: AccessSource;
  catalog: CatalogSource;
  clock: Clock;
  grades: readonly string[];
  /** An embargo was set or lifted (live connections follow at once). */
  onEmbargo?: () => void;
}

const actorOf = (res: Response) => {
  const p = principalOf(res);
  return { name: p.username, id: p.userId };
};

const point = (p: { time: number; value: number | null; qualifier: SeriesPoint["qualifier"] | null; limit: number | null; qc: SeriesPoint["qc"] }): SeriesPoint => ({
  t: p.time,
  v: p.value,
  ...(p.qualifier !== null && p.limit !== null ? { qualifier: p.qualifier, limit: p.limit } : {}),
  qc: p.qc,
});

export function reviewRouter(deps: ReviewRouterDeps): Router {
  const router = Router();
  const reviewer = requireRole("reviewer");
  const now = () => deps.clock.now();

  /** The series of a read request, refused when the reader may not see it. */
  async function readable(res: Response, query: unknown): Promise<{ series: CatalogSeries; from: number; to: number; asOf: number | null }> {
    const q = parseWith(seriesQuery, query);
    const series = resolveSeriesKey(deps.catalog.current(), q, now());
    refuseEmbargoed(await deps.access.forPrincipal(principalOf(res)), series);
    return { series, from: q.from ?? Number.MIN_SAFE_INTEGER, to: q.to ?? Number.MAX_SAFE_INTEGER, asOf: q.asOf ?? null };
  }

  router.get("/api/v1/review/corrections", requireRole("viewer"), async (req, res) => {
    const { series, from, to, asOf } = await readable(res, req.query);
    const records = (await deps.repo.records([keyOf(series)])).values().next().value;
    const corrections = (records?.corrections ?? []).filter((c) => c.to > from && c.from < to && (asOf === null || c.createdAt <= asOf));
    // As of a time, an undo recorded later had not happened yet.
    const body: CorrectionsResponse = { corrections: corrections.map((c) => (asOf !== null && c.undone && c.undone.at > asOf ? { ...c, undone: null } : c)) };
    res.json(body);
  });

  router.post("/api/v1/review/corrections", reviewer, async (req, res) => {
    const body = parseCorrection(req.body);
    const series = resolveSeriesKey(deps.catalog.current(), body, now());
    const policy = await deps.access.forPrincipal(principalOf(res));
    res.status(201).json(await deps.service.correct(series, body, actorOf(res), policy));
  });

  router.post("/api/v1/review/corrections/preview", reviewer, async (req, res) => {
    const body = parseCorrection(req.body);
    const series = resolveSeriesKey(deps.catalog.current(), body, now());
    refuseEmbargoed(await deps.access.forPrincipal(principalOf(res)), series);
    const state = await deps.reader.state(keyOf(series), null);
    const probe = { ...keyOf(series), id: -1, from: body.from, to: body.to, action: body.action, reason: body.reason, reference: null, createdAt: now(), createdBy: "", undone: null };
    const range = [{ from: body.from, to: body.to }];
    const [raw, corrected] = await Promise.all([
      deps.reader.points(series, range, state, "raw"),
      deps.reader.points(series, range, { ...state, corrections: [...state.corrections, probe] }, "corrected"),
    ]);
    if (raw.length > PREVIEW_MAX_POINTS) throw new ValidationError(`the range holds ${raw.length} readings; a preview shows at most ${PREVIEW_MAX_POINTS}: choose a shorter range`);
    res.json({ station: series.station.id, parameter: series.parameter.code, sensor: series.sensor.id, from: body.from, to: body.to, raw: raw.map(point), corrected: corrected.map((p) => ({ ...point(p), ...(p.estimated ? { estimated: true } : {}) })) });
  });

  router.post("/api/v1/review/corrections/:id/undo", reviewer, async (req, res) => {
    const id = idParam(req.params.id);
    const { reason } = parseOrThrow(undoBody, req.body);
    const policy = await deps.access.forPrincipal(principalOf(res));
    res.json(await deps.service.undo(id, reason, actorOf(res), policy));
  });

  router.get("/api/v1/review/approvals", requireRole("viewer"), async (req, res) => {
    const { series, from, to, asOf } = await readable(res, req.query);
    const state = await deps.reader.state(keyOf(series), asOf);
    const body: ApprovalsResponse = { series: keyOf(series), asOf, segments: clip(state.approvals, from, to).map((s) => ({ from: s.from, to: s.to, level: s.value })) };
    res.json(body);
  });

  router.post("/api/v1/review/approvals", reviewer, async (req, res) => {
    const b = parseOrThrow(approvalBody, req.body);
    const series = resolveSeriesKey(deps.catalog.current(), b, now());
    const id = await deps.service.approve(series, b, actorOf(res), await deps.access.forPrincipal(principalOf(res)));
    res.status(201).json({ id, ...keyOf(series), from: b.from, to: b.to, level: b.level });
  });

  router.post("/api/v1/review/unapprovals", reviewer, async (req, res) => {
    const b = parseOrThrow(unapprovalBody, req.body);
    const series = resolveSeriesKey(deps.catalog.current(), b, now());
    const id = await deps.service.unapprove(series, b, actorOf(res), await deps.access.forPrincipal(principalOf(res)));
    res.status(201).json({ id, ...keyOf(series), from: b.from, to: b.to, level: b.level });
  });

  router.get("/api/v1/review/grades", requireRole("viewer"), async (req, res) => {
    const { series, from, to, asOf } = await readable(res, req.query);
    const state = await deps.reader.state(keyOf(series), asOf);
    res.json({ grades: deps.grades, segments: clip(state.grades, from, to).map((s) => ({ from: s.from, to: s.to, grade: s.value })) });
  });

  router.post("/api/v1/review/grades", reviewer, async (req, res) => {
    const b = parseOrThrow(gradeBody, req.body);
    const series = resolveSeriesKey(deps.catalog.current(), b, now());
    const id = await deps.service.grade(series, b, actorOf(res), await deps.access.forPrincipal(principalOf(res)));
    res.status(201).json({ id, ...keyOf(series), from: b.from, to: b.to, grade: b.grade });
  });

  router.get("/api/v1/review/embargoes", requireRole("viewer"), async (_req, res) => {
    const records = await deps.repo.embargoes();
    const newest = new Map(records.map((e) => [`${e.target.kind}:${e.target.id}`, e]));
    const active = new Set(activeEmbargoes(records, now()).map((e) => e.id));
    res.json({ embargoes: [...newest.values()].map((e) => ({ ...e, active: active.has(e.id) })) });
  });

  router.post("/api/v1/review/embargoes", reviewer, async (req, res) => {
    const b = parseOrThrow(embargoBody, req.body);
    const policy = await deps.access.forPrincipal(principalOf(res));
    const embargo = await deps.service.embargo(deps.catalog.current(), b, actorOf(res), policy);
    deps.onEmbargo?.();
    res.status(201).json(embargo);
  });

  router.get("/api/v1/review/queue", reviewer, async (req, res) => {
    const q = parseWith(queueQuery, req.query);
    const catalog = deps.catalog.current();
    if (q.station !== undefined && !catalog.station(q.station)) throw new ValidationError(`unknown station ${JSON.stringify(q.station)}`, [{ path: "station", message: "not in the catalog" }]);
    const policy = await deps.access.forPrincipal(principalOf(res));
    res.json(await deps.queue.list(catalog, policy, q.olderThanDays, q.station));
  });

  router.get("/api/v1/audit", requireRole("viewer"), async (req, res) => {
    const q = parseWith(auditQuery, req.query);
    const catalog = deps.catalog.current();
    const series = q.series === undefined ? undefined : parseSeriesText(catalog, q.series, now());
    const policy = await deps.access.forPrincipal(principalOf(res));
    if (series) refuseEmbargoed(policy, series);
    const entries = await deps.repo.audit({ series: series ? keyOf(series) : undefined, from: q.from, to: q.to, limit: q.limit });
    // Without a series: every entry of a series (or embargo) the reader may see.
    const visible = entries.filter((e) => (e.series ? policy.access(e.series).kind !== "none" : true));
    const body: ReviewAuditResponse = { entries: visible };
    res.json(body);
  });

  return router;
}
