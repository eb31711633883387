// What every statistic of the validation view returns: its numbers, or why there are none. A page
// shows the reason ("not enough pairs: 4 of 10") instead of numbers that mean nothing; NaN never
// leaves these modules.

import type { Interval, NotComputable, NotComputableReason } from "../../../../common/lab-validation.ts";

export type { Interval, NotComputable, NotComputableReason, Outcome } from "../../../../common/lab-validation.ts";

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
