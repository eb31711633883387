// Piecewise-constant values over time — a series' approval levels and grades — built by painting
// ranges in the order they were recorded (a later approval or grade over the same time wins), and
// read point by point with a cursor. Pure.

export interface Segment<T> {
  from: number;
  to: number;
  value: T;
}

/** Paints [from, to) with `value` over disjoint, sorted segments; returns new segments (adjacent equal ones merged). */
export function paint<T>(segments: readonly Segment<T>[], from: number, to: number, value: T): Segment<T>[] {
  if (!(from < to)) return [...segments];
  const out: Segment<T>[] = [];
  for (const s of segments) {
    if (s.to <= from || s.from >= to) {
      out.push(s);
      continue;
    }
    if (s.from < from) out.push({ from: s.from, to: from, value: s.value });
    if (s.to > to) out.push({ from: to, to: s.to, value: s.value });
  }
  out.push({ from, to, value });
  out.sort((a, b) => a.from - b.from);
  const merged: Segment<T>[] = [];
  for (const s of out) {
    const last = merged[merged.length - 1];
    if (last && last.to === s.from && last.value === s.value) last.to = s.to;
    else merged.push({ ...s });
  }
  return merged;
}

/** Paints each range in turn (callers pass them in the order they were recorded). */
export function timelineOf<T>(ranges: Iterable<{ from: number; to: number; value: T }>): Segment<T>[] {
  let segments: Segment<T>[] = [];
  for (const r of ranges) segments = paint(segments, r.from, r.to, r.value);
  return segments;
}

/** The segments overlapping [from, to), clipped to it. */
export function clip<T>(segments: readonly Segment<T>[], from: number, to: number): Segment<T>[] {
  return segments.filter((s) => s.to > from && s.from < to).map((s) => ({ from: Math.max(s.from, from), to: Math.min(s.to, to), value: s.value }));
}

/** Parts of [from, to) that no segment covers, and those whose value fails `keep`. */
export function gaps<T>(segments: readonly Segment<T>[], from: number, to: number, keep: (value: T) => boolean = () => false): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  let at = from;
  for (const s of clip(segments, from, to)) {
    if (keep(s.value)) {
      if (s.from > at) out.push({ from: at, to: s.from });
      at = Math.max(at, s.to);
    }
  }
  if (at < to) out.push({ from: at, to });
  return out;
}

/** Value at a time, for times read in non-decreasing order (one series' readings); `fallback` outside every segment. */
export class TimelineCursor<T> {
  private index = 0;

  constructor(
    private readonly segments: readonly Segment<T>[],
    private readonly fallback: T,
  ) {}

  at(time: number): T {
    const s = this.segments;
    while (this.index < s.length && s[this.index]!.to <= time) this.index++;
    const current = s[this.index];
    return current && current.from <= time ? current.value : this.fallback;
  }
}

/** Value at one time (no cursor). */
export function valueAt<T>(segments: readonly Segment<T>[], time: number, fallback: T): T {
  for (const s of segments) if (time >= s.from && time < s.to) return s.value;
  return fallback;
}

/** Every value in force somewhere in [from, to), plus `fallback` where nothing is. */
export function valuesIn<T>(segments: readonly Segment<T>[], from: number, to: number, fallback: T): T[] {
  const inside = clip(segments, from, to);
  const values = inside.map((s) => s.value);
  const covered = inside.reduce((sum, s) => sum + (s.to - s.from), 0);
  if (covered < to - from) values.push(fallback);
  return values;
}
