// What every statistic of the validation view returns: its numbers, or why there are none. A page
// shows the reason ("not enough pairs: 4 of 10") instead of numbers that mean nothing; NaN never
// leaves these modules.

export type NotComputableReason =
  /** Fewer pairs than the statistic (or the page's minimum) needs. */
  | "not-enough-pairs"
  /** All lab values (or all sensor values, or all times) are the same: no line can be fitted. */
  | "no-spread"
  /** Passing–Bablok assumes a positive relationship (Passing & Bablok 1983); the pairs show none. */
  | "no-positive-correlation";

export interface NotComputable {
  status: "not-computable";
  reason: NotComputableReason;
  /** Pairs the statistic was given. */
  n: number;
  /** For "not-enough-pairs": how many it needs. */
  required: number | null;
  message: string;
}

export type Outcome<T> = ({ status: "ok" } & T) | NotComputable;

export interface Interval {
  lower: number;
  upper: number;
}

export function notEnoughPairs(n: number, required: number, what: string): NotComputable {
  return { status: "not-computable", reason: "not-enough-pairs", n, required, message: `${what} needs at least ${required} pairs; there are ${n}` };
}

export function notComputable(reason: Exclude<NotComputableReason, "not-enough-pairs">, n: number, message: string): NotComputable {
  return { status: "not-computable", reason, n, required: null, message };
}

/** An interval whose bounds are both finite numbers, else null. */
export function finiteInterval(lower: number, upper: number): Interval | null {
  return Number.isFinite(lower) && Number.isFinite(upper) ? { lower, upper } : null;
}

/** The value when it is a finite number, else null. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
