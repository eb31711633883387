// Means over values some of which are censored ("<LOD": not detected; "<LOQ": detected but not
// quantified), after Commission Directive 2009/90/EC, Art. 5:
//   (1) a result below the limit of quantification counts as half that limit in a mean;
//   (2) a mean below the limit of quantification is reported as "less than limit of quantification".
// Sensors usually report a detection limit and labs a quantification limit; the rule is applied
// with the limit each value carries (LOD/2 or LOQ/2), and the result says which.
// Art. 4(1): a method fits an EQS only if its LOQ is at most 30 % of the EQS. Where it is not
// sensitive enough, a mean can only show an exceedance if it does so whatever the censored values
// really were: `lowerBound` counts them as 0, and only that bound may be compared with the standard.

export type CensorQualifier = "<LOD" | "<LOQ";

/** One value: measured, or censored below `limit`. */
export interface CensoredValue {
  value: number | null;
  qualifier: CensorQualifier | null;
  limit: number | null;
}

/** Running sums from which a censored mean can be computed (values, rollup rows or time buckets add up). */
export interface CensoredSums {
  /** Sum with censored values at half their limit. */
  sum: number;
  /** Sum of the quantified values only (censored values as 0). */
  sumQuantified: number;
  n: number;
  nCensored: number;
  /** Highest limit among censored values, and its qualifier (the limit a mean is held against). */
  maxLimit: number | null;
  maxLimitQualifier: CensorQualifier | null;
  /** How many censored values carried an LOD and how many an LOQ. */
  nBelowLod: number;
  nBelowLoq: number;
}

export interface CensoredMean {
  n: number;
  nCensored: number;
  /** The mean with censored values at half their limit; null when there are no values. */
  mean: number | null;
  /** The mean with censored values at 0: what is certain about the mean. */
  lowerBound: number | null;
  /** Art. 5(2): the mean is below the limit it is held against and is reported as "< LOQ"/"< LOD", not as a number. */
  reportedBelow: CensorQualifier | null;
  /** The limit `reportedBelow` refers to. */
  limit: number | null;
  /** Which substitution was used: half the LOD, half the LOQ, both kinds, or none (nothing censored). */
  substitution: "LOD/2" | "LOQ/2" | "LOD/2 and LOQ/2" | null;
}

export function emptySums(): CensoredSums {
  return { sum: 0, sumQuantified: 0, n: 0, nCensored: 0, maxLimit: null, maxLimitQualifier: null, nBelowLod: 0, nBelowLoq: 0 };
}

/** Adds one value to `sums` (in place) and returns them. A censored value without a limit is skipped. */
export function addValue(sums: CensoredSums, v: CensoredValue): CensoredSums {
  if (v.qualifier === null) {
    if (v.value === null) return sums;
    sums.sum += v.value;
    sums.sumQuantified += v.value;
    sums.n++;
    return sums;
  }
  if (v.limit === null) return sums;
  sums.sum += v.limit / 2;
  sums.n++;
  sums.nCensored++;
  if (v.qualifier === "<LOD") sums.nBelowLod++;
  else sums.nBelowLoq++;
  if (sums.maxLimit === null || v.limit > sums.maxLimit || (v.limit === sums.maxLimit && v.qualifier === "<LOQ")) {
    sums.maxLimit = v.limit;
    sums.maxLimitQualifier = v.qualifier;
  }
  return sums;
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function mergeSums(a: CensoredSums, b: CensoredSums): CensoredSums {
  a.sum += b.sum;
  a.sumQuantified += b.sumQuantified;
  a.n += b.n;
  a.nCensored += b.nCensored;
  a.nBelowLod += b.nBelowLod;
  a.nBelowLoq += b.nBelowLoq;
  if (b.maxLimit !== null && (a.maxLimit === null || b.maxLimit > a.maxLimit || (b.maxLimit === a.maxLimit && b.maxLimitQualifier === "<LOQ"))) {
    a.maxLimit = b.maxLimit;
    a.maxLimitQualifier = b.maxLimitQualifier;
  }
  return a;
}

/** What an aggregate (a rollup row, a time bucket from InfluxDB) keeps of its values. */
export interface AggregateParts {
  /** Sum with censored values at half their limit (the mean × n). */
  sum: number;
  n: number;
  nCensored: number;
  /** Highest LOD and LOQ among the censored values. */
  maxLod: number | null;
  maxLoq: number | null;
  /** When known: the quantified values' sum and the censored counts by qualifier. */
  sumQuantified?: number;
  nBelowLod?: number;
  nBelowLoq?: number;
}

/**
 * The sums behind an aggregate. Without `sumQuantified` they tell whether the mean is below the limit
 * (Art. 5(2)) but give no lower bound (it comes back null), and without the counts by qualifier no
 * substitution.
 */
export function aggregateSums(a: AggregateParts): CensoredSums {
  // The limit a mean is held against: the highest, an LOQ on a tie (as addValue does).
  const top =
    a.maxLoq !== null && (a.maxLod === null || a.maxLoq >= a.maxLod)
      ? { limit: a.maxLoq, qualifier: "<LOQ" as const }
      : a.maxLod !== null
        ? { limit: a.maxLod, qualifier: "<LOD" as const }
        : null;
  const censored = a.nCensored > 0 && top !== null;
  return {
    sum: a.sum,
    sumQuantified: a.sumQuantified ?? Number.NaN,
    n: a.n,
    nCensored: a.nCensored,
    maxLimit: censored ? top.limit : null,
    maxLimitQualifier: censored ? top.qualifier : null,
    nBelowLod: a.nBelowLod ?? 0,
    nBelowLoq: a.nBelowLoq ?? 0,
  };
}

export function censoredMean(s: CensoredSums): CensoredMean {
  const substitution =
    s.nBelowLod > 0 && s.nBelowLoq > 0 ? "LOD/2 and LOQ/2" : s.nBelowLoq > 0 ? "LOQ/2" : s.nBelowLod > 0 ? "LOD/2" : null;
  if (s.n === 0) return { n: 0, nCensored: 0, mean: null, lowerBound: null, reportedBelow: null, limit: null, substitution };
  const mean = s.sum / s.n;
  const below = s.maxLimit !== null && mean < s.maxLimit;
  return {
    n: s.n,
    nCensored: s.nCensored,
    mean,
    lowerBound: Number.isNaN(s.sumQuantified) ? null : s.sumQuantified / s.n,
    reportedBelow: below ? s.maxLimitQualifier : null,
    limit: below ? s.maxLimit : null,
    substitution,
  };
}

export function meanOf(values: Iterable<CensoredValue>): CensoredMean {
  const sums = emptySums();
  for (const v of values) addValue(sums, v);
  return censoredMean(sums);
}

/**
 * The number to compare with an annual standard, or null when the mean cannot be compared: empty,
 * or reported as "< LOQ"/"< LOD" (Art. 5(2)). A method not sensitive enough for the standard
 * (Art. 4(1)) is compared with its lower bound only, so censored values can never cause a breach.
 */
export function comparableMean(m: CensoredMean, sensitiveEnough: boolean): number | null {
  if (m.mean === null || m.reportedBelow !== null) return null;
  return sensitiveEnough ? m.mean : m.lowerBound;
}
