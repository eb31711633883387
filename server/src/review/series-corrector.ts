// One series' corrections applied to its readings as they stream by in time order (an export, a
// chart): value corrections reading by reading, readings inside an interpolation dropped and its
// estimated points put in their place, then the manual QC verdicts. Memory stays constant: the
// interpolations' anchors are found beforehand (corrected-reader.ts), so estimated points can be
// emitted as the stream passes their times instead of holding readings back.
import {
  CorrectionSweep,
  asCorrected,
  covers,
  estimatedTimes,
  interpolatedPoint,
  isValueKind,
  withQcVerdict,
  correctValue,
  type ActiveCorrection,
  type CorrectedPoint,
  type ResolvedInterpolation,
  type SensorFacts,
  type StoredPoint,
} from "./correction-algebra.ts";

interface PendingEstimates {
  interpolation: ResolvedInterpolation;
  times: Generator<number>;
  next: number | undefined;
}

export class SeriesCorrector {
  /** No correction touches the window: readings pass through unchanged. */
  readonly passThrough: boolean;
  private readonly values: CorrectionSweep;
  private readonly verdicts: CorrectionSweep;
  private readonly hasVerdicts: boolean;
  private readonly interpolations: ResolvedInterpolation[];
  private readonly pending: PendingEstimates[];

  /**
   * @param corrections every correction in force on the series (interpolations among them are taken
   *   from `interpolations`, which carry their anchors)
   * @param window the half-open range the caller reads: estimated points are made only inside it
   */
  constructor(
    corrections: readonly ActiveCorrection[],
    interpolations: readonly ResolvedInterpolation[],
    private readonly sensor: SensorFacts,
    window: { from: number; to: number },
  ) {
    const inWindow = (c: { from: number; to: number }) => c.from < window.to && c.to > window.from;
    const relevant = corrections.filter(inWindow);
    this.values = new CorrectionSweep(relevant.filter((c) => isValueKind(c.action.kind)));
    const verdicts = relevant.filter((c) => c.action.kind === "qc");
    this.verdicts = new CorrectionSweep(verdicts);
    this.hasVerdicts = verdicts.length > 0;
    // Interpolations apply in id order; a later one over the same time replaces an earlier one's points.
    this.interpolations = interpolations.filter(inWindow).sort((a, b) => a.id - b.id);
    this.pending = this.interpolations.map((interpolation) => {
      const times = estimatedTimes(interpolation, sensor.intervalMs, window.from, window.to);
      return { interpolation, times, next: times.next().value ?? undefined };
    });
    this.passThrough = relevant.length === 0 && this.interpolations.length === 0;
  }

  /** Corrects one stored reading (times non-decreasing); appends what is due up to it to `out`. */
  push(p: StoredPoint, out: CorrectedPoint[]): void {
    if (this.passThrough) {
      out.push(asCorrected(p));
      return;
    }
    this.estimatesBefore(p.time, out);
    if (this.interpolations.some((i) => i.before && i.after && covers(i, p.time))) return;
    const corrected = correctValue(p, this.values.at(p.time), this.sensor);
    if (corrected) out.push(this.verdict(corrected));
  }

  /** Appends the estimated points before `time` (a caller merging several series in time order). */
  estimatesBefore(time: number, out: CorrectedPoint[]): void {
    for (;;) {
      let earliest: PendingEstimates | undefined;
      for (const p of this.pending) if (p.next !== undefined && p.next < time && (!earliest || p.next < earliest.next!)) earliest = p;
      if (!earliest) return;
      const t = earliest.next!;
      earliest.next = earliest.times.next().value ?? undefined;
      // A later interpolation over the same time wins.
      const owner = this.interpolations.findLast((i) => i.before && i.after && covers(i, t));
      if (owner !== earliest.interpolation) continue;
      const point = interpolatedPoint(owner, t);
      if (point) out.push(this.verdict(point));
    }
  }

  /** The next estimated point's time, if any: lets a merging caller know what is still to come. */
  nextEstimate(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending) if (p.next !== undefined && (next === undefined || p.next < next)) next = p.next;
    return next;
  }

  /** Appends the estimated points still due at the end of the window. */
  finish(out: CorrectedPoint[]): void {
    this.estimatesBefore(Number.POSITIVE_INFINITY, out);
  }

  private verdict(p: CorrectedPoint): CorrectedPoint {
    return this.hasVerdicts ? withQcVerdict(p, this.verdicts.at(p.time)) : p;
  }
}

/** All of a series' readings in one call: `points` sorted by time, the result too. */
export function correctPoints(
  points: readonly StoredPoint[],
  corrections: readonly ActiveCorrection[],
  interpolations: readonly ResolvedInterpolation[],
  sensor: SensorFacts,
  window: { from: number; to: number },
): CorrectedPoint[] {
  const corrector = new SeriesCorrector(corrections, interpolations, sensor, window);
  const out: CorrectedPoint[] = [];
  for (const p of points) corrector.push(p, out);
  corrector.finish(out);
  return out;
}
