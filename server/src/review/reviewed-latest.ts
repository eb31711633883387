// Latest values with the review applied: each series' newest reading, corrected and labelled, and
// only what the reader may see. A series whose recent readings a correction touches is read again
// over the look-back window and corrected (a deleted spike must not stay "latest"); one whose newest
// readings are withheld from this reader gets its newest released reading instead.
import type { ReviewedReading } from "../../../common/api-types.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { Reading } from "../../../common/reading.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { asCorrected, type CorrectedPoint } from "./correction-algebra.ts";
import { PointLabeller, reviewLabels, type ReviewedPoint } from "./labels.ts";
import { seriesId } from "./review-repository.ts";
import type { ChartReview } from "./reviewed-chart.ts";

function reading(r: Pick<Reading, "station" | "parameter" | "sensor">, p: ReviewedPoint): ReviewedReading {
  return {
    station: r.station,
    parameter: r.parameter,
    sensor: r.sensor,
    time: p.time,
    value: p.value,
    qualifier: p.qualifier,
    limit: p.limit,
    uncertainty: p.uncertainty,
    rawSignal: null,
    calibration: null,
    qc: p.qc,
    ...reviewLabels(p),
  };
}

function lastVisible(points: readonly CorrectedPoint[], labeller: PointLabeller): ReviewedPoint | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = labeller.label(points[i]!);
    if (p) return p;
  }
  return null;
}

export async function reviewedLatest(
  catalog: CatalogSnapshot,
  latest: readonly Reading[],
  since: number,
  now: number,
  review: ChartReview,
): Promise<ReviewedReading[]> {
  const states = await review.reader.states(latest, review.read.asOf);
  const out: ReviewedReading[] = [];
  const again: Array<Promise<void>> = [];
  for (const r of latest) {
    const access = review.policy.access(r);
    if (access.kind === "none") continue;
    const state = states.get(seriesId(r))!;
    const labeller = new PointLabeller(state, access.kind, review.policy, review.grades);
    const touching = review.reader.corrections(state, review.read.view).some((c) => c.to > since && c.from <= now);
    const station = catalog.station(r.station);
    const parameter = catalog.parameter(r.parameter);
    const sensor = catalog.sensor(r.sensor);
    if (!touching) {
      const p = labeller.label(asCorrected(r));
      if (p) {
        out.push(reading(r, p));
        continue;
      }
    }
    if (!station || !parameter || !sensor) continue;
    const series: CatalogSeries = { station, parameter, sensor, includeUntagged: catalog.isPrimaryAt(r.station, r.parameter, r.sensor) };
    again.push(
      (async () => {
        let found: ReviewedPoint | null;
        if (touching) {
          const points = await review.reader.points(series, [{ from: since, to: now, closed: true }], state, review.read.view);
          found = lastVisible(points, labeller);
        } else {
          // Withheld newest readings, nothing corrected: the newest reading of the last released period.
          const withheld = labeller.withheld(since, now + 1);
          const visible: Array<{ from: number; to: number }> = [];
          let at = since;
          for (const w of withheld) {
            if (w.from > at) visible.push({ from: at, to: w.from });
            at = w.to;
          }
          if (at < now + 1) visible.push({ from: at, to: now + 1 });
          found = null;
          for (let i = visible.length - 1; i >= 0 && !found; i--) {
            const row = await review.reader.lastReading(series, visible[i]!);
            found = row ? labeller.label(asCorrected(row)) : null;
          }
        }
        if (found) out.push(reading(r, found));
      })(),
    );
  }
  await Promise.all(again);
  return out;
}
