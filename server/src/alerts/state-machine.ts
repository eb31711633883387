// The per rule × series alert state machine, as pure functions of (state, condition, time).
//   ok ──breach──▶ pending ──breach for forMs──▶ firing ──clear (for keepFiringMs)──▶ resolved ──▶ ok
// `hold` is the hysteresis band between the clear level and the trigger: it keeps a firing alert
// firing but never starts one, so a value wobbling around the threshold alerts once.
// Flap suppression: a series that started firing `flapMaxStarts` times within `flapWindowMs` is
// flapping; while flapping, a firing alert is held through clears shorter than `flapHoldMs`, so the
// wobble becomes one long alert instead of a stream of firing/resolved messages.
import type { AlertState } from "../../../common/alerts.ts";

export type Condition = "breach" | "hold" | "clear" | "unknown";

export interface SeriesState {
  state: AlertState;
  /** When the current state was entered. */
  since: number;
  /** pending/firing: when the condition began (the alert's start time). */
  startedAt: number | null;
  /** firing: when the condition first cleared, while resolution waits for keep-firing. */
  clearSince: number | null;
  /** Times this series started firing, within the flap window. */
  recentStarts: number[];
  flapping: boolean;
}

export interface MachineOptions {
  forMs: number;
  keepFiringMs: number;
  flapWindowMs: number;
  flapMaxStarts: number;
  flapHoldMs: number;
}

export const DEFAULT_MACHINE_OPTIONS: Readonly<MachineOptions> = Object.freeze({
  forMs: 0,
  keepFiringMs: 0,
  flapWindowMs: 6 * 3_600_000,
  flapMaxStarts: 3,
  flapHoldMs: 3_600_000,
});

export interface Transition {
  from: AlertState;
  to: AlertState;
}

export interface Step {
  next: SeriesState;
  transition: Transition | null;
}

export function initialSeriesState(now = 0): SeriesState {
  return { state: "ok", since: now, startedAt: null, clearSince: null, recentStarts: [], flapping: false };
}

function move(s: SeriesState, to: AlertState, now: number, patch: Partial<SeriesState>): Step {
  return { next: { ...s, ...patch, state: to, since: now }, transition: { from: s.state, to } };
}

function fire(s: SeriesState, now: number, startedAt: number, o: MachineOptions): Step {
  const recentStarts = [...s.recentStarts.filter((t) => now - t < o.flapWindowMs), now];
  return move(s, "firing", now, { startedAt, clearSince: null, recentStarts, flapping: recentStarts.length >= o.flapMaxStarts });
}

export function step(s: SeriesState, condition: Condition, now: number, o: MachineOptions): Step {
  const stay: Step = { next: s, transition: null };
  if (condition === "unknown") return stay;
  switch (s.state) {
    case "ok":
    case "resolved": {
      if (condition === "breach") {
        return o.forMs <= 0 ? fire(s, now, now, o) : move(s, "pending", now, { startedAt: now, clearSince: null });
      }
      return s.state === "resolved" ? move(s, "ok", now, { startedAt: null, clearSince: null }) : stay;
    }
    case "pending": {
      if (condition !== "breach") return move(s, "ok", now, { startedAt: null });
      const startedAt = s.startedAt ?? now;
      return now - startedAt >= o.forMs ? fire(s, now, startedAt, o) : stay;
    }
    case "firing": {
      if (condition !== "clear") return s.clearSince === null ? stay : { next: { ...s, clearSince: null }, transition: null };
      const clearSince = s.clearSince ?? now;
      const keep = s.flapping ? Math.max(o.flapHoldMs, o.keepFiringMs) : o.keepFiringMs;
      if (now - clearSince >= keep) return move(s, "resolved", now, { clearSince: null });
      return clearSince === s.clearSince ? stay : { next: { ...s, clearSince }, transition: null };
    }
  }
}

/** Only these transitions reach people: a new alert, and its end. Pending and ok are internal. */
export function isNotified(t: Transition): boolean {
  return (t.to === "firing" && t.from !== "firing") || (t.to === "resolved" && t.from === "firing");
}
