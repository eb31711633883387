// The correction algebra: what a list of corrections makes of a series' stored readings. Pure; the
// reader (corrected-reader.ts) fetches the readings and hands them here, and every read path — chart,
// latest, export, rolling means, assessments — gets its corrected values from this one module.
//
// Order (common/review.ts CORRECTION_KINDS), fixed by kind, not by when a correction was made, so the
// result never depends on the order reviewers happened to work in:
//   1. recalibrate — the value is recomputed from the stored raw signal with the named calibration
//      (concentration = slope × signal + intercept, the catalog's calibration function); it replaces
//      the value, so it must come before any arithmetic on the value.
//   2. multiply, 3. offset, 4. drift — the usual sensor correction y = f·x + o + d(t) (gain error,
//      zero error, fouling drift growing linearly from 0 at the range's start to X at its end; WMO-No.
//      168 Guide to Hydrological Practices Vol. I §2.3 and the USGS "drift correction" of Wagner et al.
//      2006, Techniques and Methods 1-D3, eq. 1). Factors multiply and offsets add, so several
//      corrections of one kind commute: only the order of kinds matters.
//   5. delete — rejected readings leave the corrected series.
//   6. interpolate — a gap (or the range, once its readings are rejected) is filled from the
//      corrected neighbours; the points are marked estimated.
//   7. qc — the reviewer's manual QC flag is the verdict on the final values; the newest one wins.
//
// Censored values (below the LOD or LOQ, DIN 32645) under arithmetic:
//   - multiply scales the limit: x < L implies f·x < f·L for f > 0 (a gain error scales the whole
//     concentration axis, the limits with it — they are concentrations derived through the same
//     sensitivity, DIN 32645 §5). Factors must be positive: a negative one would turn "< L" into "> L".
//   - offset and drift do not move a censored value: it has no number to shift, and the LOD/LOQ
//     follow from the blank's scatter, which a zero or baseline error does not change (DIN 32645 §4).
//   - a quantified value that an offset or drift moves below the (scaled) LOQ of its sensor is
//     reported "<LOQ" with it (below the LOD: "<LOD"): after correction it is no longer quantified,
//     and a number below the limit is never reported (Directive 2009/90/EC Art. 5).
//   - recalibration re-censors against the sensor's LOD/LOQ for the same reason.
//   - interpolation: see interpolatedPoint().
import { QC, QUALIFIER, type QcFlag, type Qualifier } from "../../../common/reading.ts";
import { CORRECTION_KINDS, type CorrectionAction, type CorrectionKind } from "../../../common/review.ts";

/** A reading as stored (one InfluxDB row of a series). */
export interface StoredPoint {
  time: number;
  value: number | null;
  qualifier: Qualifier | null;
  limit: number | null;
  uncertainty: number | null;
  qc: QcFlag;
  rawSignal: number | null;
  calibration: number | null;
}

/** A reading after the corrections (or as stored, in the raw view). */
export interface CorrectedPoint {
  time: number;
  value: number | null;
  qualifier: Qualifier | null;
  limit: number | null;
  uncertainty: number | null;
  qc: QcFlag;
  estimated: boolean;
  /** Ids of the corrections that changed it, in the order applied (shared, never mutated). */
  corrections: readonly number[];
}

export interface ActiveCorrection {
  id: number;
  from: number;
  to: number;
  action: CorrectionAction;
}

/** What the algebra needs to know about the sensor (catalog). */
export interface SensorFacts {
  lod: number | null;
  loq: number | null;
  /** Reading interval: the grid of interpolated points. */
  intervalMs: number;
  calibrations: ReadonlyArray<{ version: number; function: { slope: number; intercept: number } }>;
}

const KIND_RANK = new Map<CorrectionKind, number>(CORRECTION_KINDS.map((k, i) => [k, i]));
const NO_CORRECTIONS: readonly number[] = Object.freeze([]);

/** Corrections in the order they apply: by kind (CORRECTION_KINDS), then by id (creation). */
export function applicationOrder(a: ActiveCorrection, b: ActiveCorrection): number {
  return KIND_RANK.get(a.action.kind)! - KIND_RANK.get(b.action.kind)! || a.id - b.id;
}

/** Kinds applied reading by reading; interpolate and qc run on the series afterwards. */
export function isValueKind(kind: CorrectionKind): boolean {
  return kind !== "interpolate" && kind !== "qc";
}

export function covers(c: Pick<ActiveCorrection, "from" | "to">, time: number): boolean {
  return time >= c.from && time < c.to;
}

function censorAgainst(value: number, lod: number | null, loq: number | null): Pick<CorrectedPoint, "value" | "qualifier" | "limit"> {
  if (lod !== null && value < lod) return { value: null, qualifier: QUALIFIER.belowLod, limit: lod };
  if (loq !== null && value < loq) return { value: null, qualifier: QUALIFIER.belowLoq, limit: loq };
  return { value, qualifier: null, limit: null };
}

export function asCorrected(p: StoredPoint): CorrectedPoint {
  return { time: p.time, value: p.value, qualifier: p.qualifier, limit: p.limit, uncertainty: p.uncertainty, qc: p.qc, estimated: false, corrections: NO_CORRECTIONS };
}

/**
 * Steps 1–5 for one reading: `active` are the value-kind corrections covering it, in application
 * order. Returns null when a correction rejects it.
 */
export function correctValue(p: StoredPoint, active: readonly ActiveCorrection[], sensor: SensorFacts): CorrectedPoint | null {
  if (active.length === 0) return asCorrected(p);
  let { value, qualifier, limit, uncertainty } = p;
  // The limits a value is held against, scaled by gain corrections as the values are.
  let lod = sensor.lod;
  let loq = sensor.loq;
  // A quantified value at or above the limit before offsets and drifts: one they move below it is re-censored.
  let shiftedFrom: number | null = null;
  const applied: number[] = [];
  for (const c of active) {
    const a = c.action;
    switch (a.kind) {
      case "recalibrate": {
        const calibration = sensor.calibrations.find((cal) => cal.version === a.calibration);
        if (p.rawSignal === null || !calibration) continue;
        ({ value, qualifier, limit } = censorAgainst(calibration.function.slope * p.rawSignal + calibration.function.intercept, lod, loq));
        break;
      }
      case "multiply":
        if (value !== null) {
          value *= a.factor;
          if (uncertainty !== null) uncertainty *= a.factor;
        } else if (limit !== null) limit *= a.factor;
        if (lod !== null) lod *= a.factor;
        if (loq !== null) loq *= a.factor;
        break;
      case "offset":
      case "drift":
        if (value === null) continue; // censored: not shifted (see the header)
        shiftedFrom ??= value;
        value += a.kind === "offset" ? a.offset : (a.offsetAtEnd * (p.time - c.from)) / (c.to - c.from);
        break;
      case "delete":
        return null;
      default:
        continue;
    }
    applied.push(c.id);
  }
  if (applied.length === 0) return asCorrected(p);
  if (shiftedFrom !== null && value !== null) {
    const top = loq ?? lod;
    if (top !== null && shiftedFrom >= top && value < top) ({ value, qualifier, limit } = censorAgainst(value, lod, loq));
  }
  return { time: p.time, value, qualifier, limit, uncertainty, qc: p.qc, estimated: false, corrections: applied };
}

/**
 * The corrections covering each time of a non-decreasing sequence, without scanning all of them per
 * reading: a sweep over the corrections sorted by start. `at(t)` returns them in application order
 * (the same array while the set does not change).
 */
export class CorrectionSweep {
  private readonly byStart: ActiveCorrection[];
  private next = 0;
  private active: ActiveCorrection[] = [];
  private lastTime = Number.NEGATIVE_INFINITY;
  private nextEnd = Number.POSITIVE_INFINITY;

  constructor(corrections: readonly ActiveCorrection[]) {
    this.byStart = [...corrections].sort((a, b) => a.from - b.from);
  }

  at(time: number): readonly ActiveCorrection[] {
    if (time < this.lastTime) throw new RangeError(`CorrectionSweep needs non-decreasing times (${time} after ${this.lastTime})`);
    this.lastTime = time;
    const startsNow = this.next < this.byStart.length && this.byStart[this.next]!.from <= time;
    if (!startsNow && time < this.nextEnd) return this.active;
    let changed = false;
    if (time >= this.nextEnd) {
      const kept = this.active.filter((c) => c.to > time);
      changed = kept.length !== this.active.length;
      this.active = kept;
    }
    while (this.next < this.byStart.length && this.byStart[this.next]!.from <= time) {
      const c = this.byStart[this.next++]!;
      if (c.to > time) {
        this.active.push(c);
        changed = true;
      }
    }
    if (changed) this.active = [...this.active].sort(applicationOrder);
    this.nextEnd = this.active.reduce((end, c) => Math.min(end, c.to), Number.POSITIVE_INFINITY);
    return this.active;
  }
}

/** The nearest usable neighbour among candidates (nearest first): kept by the corrections, not failed QC. */
export function pickAnchor(candidates: readonly StoredPoint[], corrections: readonly ActiveCorrection[], sensor: SensorFacts): CorrectedPoint | null {
  const valueKinds = corrections.filter((c) => isValueKind(c.action.kind));
  for (const p of candidates) {
    const active = valueKinds.filter((c) => covers(c, p.time)).sort(applicationOrder);
    const corrected = correctValue(p, active, sensor);
    if (corrected && corrected.qc !== QC.fail && (corrected.value !== null || corrected.limit !== null)) return corrected;
  }
  return null;
}

/** An interpolation with its anchors found: what the series needs to make its estimated points. */
export interface ResolvedInterpolation {
  id: number;
  from: number;
  to: number;
  before: CorrectedPoint | null;
  after: CorrectedPoint | null;
}

/** The number a censored anchor stands for: half its limit (Directive 2009/90/EC Art. 5(1)). */
function anchorNumber(p: CorrectedPoint): number {
  return p.value ?? p.limit! / 2;
}

/**
 * The estimated value at `time` between two anchors. Quantified anchors: linear interpolation. A
 * censored anchor has no value; it enters as half its limit (Directive 2009/90/EC Art. 5(1), the
 * substitution the system uses for means), and every estimate below the highest limit of a censored
 * anchor is reported as censored with that limit ("<LOQ" on a tie): the neighbours only tell that the
 * water was below that limit there, and an estimate must never claim a number below it.
 */
export function interpolatedPoint(i: ResolvedInterpolation, time: number): CorrectedPoint | null {
  const { before, after } = i;
  if (!before || !after) return null;
  const span = after.time - before.time;
  const share = span === 0 ? 0 : (time - before.time) / span;
  const value = anchorNumber(before) + (anchorNumber(after) - anchorNumber(before)) * share;
  let top: { limit: number; qualifier: Qualifier } | null = null;
  for (const a of [before, after]) {
    if (a.qualifier === null || a.limit === null) continue;
    if (!top || a.limit > top.limit || (a.limit === top.limit && a.qualifier === QUALIFIER.belowLoq)) top = { limit: a.limit, qualifier: a.qualifier };
  }
  const censored = top !== null && value < top.limit;
  return {
    time,
    value: censored ? null : value,
    qualifier: censored ? top!.qualifier : null,
    limit: censored ? top!.limit : null,
    uncertainty: null,
    qc: QC.notEvaluated,
    estimated: true,
    corrections: [i.id],
  };
}

/** Grid times of an interpolation inside [from, to): multiples of the reading interval (stations report on such a grid). */
export function* estimatedTimes(i: Pick<ResolvedInterpolation, "from" | "to">, intervalMs: number, from: number, to: number): Generator<number> {
  const start = Math.max(i.from, from);
  const end = Math.min(i.to, to);
  for (let t = Math.ceil(start / intervalMs) * intervalMs; t < end; t += intervalMs) yield t;
}

/** Step 7: the newest manual QC flag covering the point (`active` in application order). */
export function withQcVerdict(p: CorrectedPoint, active: readonly ActiveCorrection[]): CorrectedPoint {
  let verdict: ActiveCorrection | null = null;
  for (const c of active) if (c.action.kind === "qc") verdict = c;
  if (!verdict || verdict.action.kind !== "qc") return p;
  return { ...p, qc: verdict.action.flag, corrections: [...p.corrections, verdict.id] };
}
