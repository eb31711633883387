// The review of an export's series, prepared before the first row: each series' state as of the
// export's time, its labeller, and a streaming corrector (review/series-corrector.ts) with the
// interpolation anchors found beforehand, so corrected rows stream out in time order with constant
// memory. Series whose range no correction, approval or grade touches, and which the reader sees in
// full, get constant labels and skip the per-row work: an export of unreviewed data costs what it
// did before data review existed.
import type { CorrectionInfo } from "../../../common/review.ts";
import type { AccessPolicy } from "../review/access-policy.ts";
import type { ActiveCorrection, CorrectedPoint } from "../review/correction-algebra.ts";
import { keyOf, sensorFacts, type CorrectedReader } from "../review/corrected-reader.ts";
import { PointLabeller, type ReviewedPoint } from "../review/labels.ts";
import { seriesId } from "../review/review-repository.ts";
import { touches, type SeriesReviewState } from "../review/review-state.ts";
import { SeriesCorrector } from "../review/series-corrector.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { ForbiddenError } from "../errors.ts";
import type { ExportRequest } from "./export-params.ts";

/** What an export needs to apply the review. */
export interface ExportReviewContext {
  reader: CorrectedReader;
  policy: AccessPolicy;
  grades: readonly string[];
}

/** Labels of a row of a series no review touches. */
export interface ConstantLabels {
  approval: "raw";
  provisional: boolean;
}

export interface SeriesExport {
  series: CatalogSeries;
  state: SeriesReviewState;
  labeller: PointLabeller;
  corrections: ActiveCorrection[];
  corrector: SeriesCorrector;
  /** Set when nothing of the review touches the series in the range: every row gets these labels. */
  constant: ConstantLabels | null;
}

export class ExportReview {
  private readonly byStation = new Map<string, Map<string, Map<string, SeriesExport>>>();
  private readonly withEstimates: SeriesExport[];
  /** Every series constant: rows need no per-series work at all. */
  readonly allConstant: boolean;
  /** A recalibration somewhere: rows must carry their raw signal. */
  readonly needsSignal: boolean;
  /** A correction may change QC flags (manual flags, estimated points): the QC filter runs after correcting. */
  readonly qcAfterCorrection: boolean;
  readonly constant: ConstantLabels;

  private constructor(
    readonly series: SeriesExport[],
    readonly applied: CorrectionInfo[],
    readonly policy: AccessPolicy,
    /** The agency's grades, best first (an interval's grade is its worst). */
    readonly grades: readonly string[],
  ) {
    for (const s of series) {
      let byParameter = this.byStation.get(s.series.station.id);
      if (!byParameter) this.byStation.set(s.series.station.id, (byParameter = new Map()));
      let bySensor = byParameter.get(s.series.parameter.code);
      if (!bySensor) byParameter.set(s.series.parameter.code, (bySensor = new Map()));
      bySensor.set(s.series.sensor.id, s);
    }
    this.withEstimates = series.filter((s) => s.corrector.nextEstimate() !== undefined);
    this.allConstant = series.every((s) => s.constant !== null);
    const kinds = new Set(series.flatMap((s) => s.corrections.map((c) => c.action.kind)));
    this.needsSignal = kinds.has("recalibrate");
    this.qcAfterCorrection = kinds.has("qc") || kinds.has("interpolate");
    this.constant = { approval: "raw", provisional: !policy.released("raw") };
  }

  /** Loads the states of the request's series (already narrowed to those the reader may see). */
  static async prepare(req: ExportRequest, ctx: ExportReviewContext): Promise<ExportReview> {
    const states = await ctx.reader.states(req.series.map(keyOf), req.asOf);
    const window = { from: req.from, to: req.to };
    const inRange = (c: { from: number; to: number }) => c.from < req.to && c.to > req.from;
    const applied: CorrectionInfo[] = [];
    const series = await Promise.all(
      req.series.map(async (s): Promise<SeriesExport> => {
        const state = states.get(seriesId(keyOf(s)))!;
        const access = ctx.policy.access(keyOf(s));
        const labeller = new PointLabeller(state, access.kind, ctx.policy, ctx.grades);
        const corrections = ctx.reader.corrections(state, req.view).filter(inRange);
        const all = ctx.reader.corrections(state, req.view);
        const interpolations = await ctx.reader.interpolations(s, corrections, all);
        const corrector = new SeriesCorrector(all, interpolations, sensorFacts(s.sensor), window);
        if (req.view === "corrected") applied.push(...state.corrections.filter(inRange));
        const untouched = corrections.length === 0 && !touches({ ...state, corrections: [] }, req.from, req.to) && labeller.withheld(req.from, req.to).length === 0;
        return { series: s, state, labeller, corrections, corrector, constant: untouched ? { approval: "raw", provisional: !ctx.policy.released("raw") } : null };
      }),
    );
    return new ExportReview(series, applied.sort((a, b) => a.id - b.id), ctx.policy, ctx.grades);
  }

  lookup(station: string, parameter: string, sensor: string): SeriesExport | undefined {
    return this.byStation.get(station)?.get(parameter)?.get(sensor);
  }

  /** Estimated points of every series due before `time`, labelled, in time order. */
  estimatesBefore(time: number, out: Array<{ series: SeriesExport; point: ReviewedPoint }>): void {
    if (this.withEstimates.length === 0) return;
    const due: Array<{ series: SeriesExport; point: CorrectedPoint }> = [];
    for (const s of this.withEstimates) {
      const next = s.corrector.nextEstimate();
      if (next === undefined || next >= time) continue;
      const points: CorrectedPoint[] = [];
      s.corrector.estimatesBefore(time, points);
      for (const point of points) due.push({ series: s, point });
    }
    due.sort((a, b) => a.point.time - b.point.time);
    for (const d of due) {
      const point = d.series.labeller.label(d.point);
      if (point) out.push({ series: d.series, point });
    }
  }

  /** The estimated points still due at the end of the export. */
  finish(out: Array<{ series: SeriesExport; point: ReviewedPoint }>): void {
    this.estimatesBefore(Number.POSITIVE_INFINITY, out);
  }
}

/**
 * The request without the series the reader may not see at all (an embargo): leaving them out of
 * an export of a station's parameters is silent (datapackage.json lists them as withheld), but a
 * sensor named in `sensors=` that is embargoed, or an export left with nothing, is refused.
 */
export function visibleRequest(req: ExportRequest, policy: AccessPolicy): ExportRequest {
  const series: CatalogSeries[] = [];
  const withheld: CatalogSeries[] = [];
  for (const s of req.series) (policy.access(keyOf(s)).kind === "none" ? withheld : series).push(s);
  if (withheld.length === 0) return req;
  const named = req.sensors === null ? [] : withheld.filter((s) => req.sensors!.some((x) => x.id === s.sensor.id));
  const refuse = named[0] ?? (series.length === 0 ? withheld[0] : undefined);
  if (refuse) {
    const embargo = policy.embargoOf(keyOf(refuse));
    const until = embargo?.until ? ` until ${new Date(embargo.until).toISOString()}` : "";
    throw new ForbiddenError(
      `${refuse.sensor.id} at ${refuse.station.id} is embargoed by ${embargo?.organisation ?? "its owner"}${until}; only its members and admins may read it`,
    );
  }
  return { ...req, series, withheld };
}
