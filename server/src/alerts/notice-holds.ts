// What keeps an alert's notices (webhook, e-mail, inbox) back while the alert is still recorded and
// shown. One predicate per reason, asked in order inside the recording transaction; the first that
// holds names itself ("silence:12"), which the alert keeps in held_by. Today the reason is a silence
// (issue #19); another reason (a station in maintenance) is one more HoldCheck beside it.
import { matchingSilence, type Silence, type SilenceTarget } from "../../../common/silences.ts";
import type { MetaTransaction } from "../meta/store.ts";
import { breachesOf, type AlertRow } from "./alert-view.ts";
import type { SilenceRepository } from "./silence-repository.ts";

/** What holds an alert's notices at `now` ("<reason>:<id>"), or null. */
export type HoldCheck = (target: SilenceTarget, now: number, trx: MetaTransaction) => Promise<string | null>;

/** A silence whose matchers all equal the alert's (common/silences.ts). */
export function silenceHold(silences: SilenceRepository): HoldCheck {
  // Read once per transaction and instant: a pass over every firing alert asks for each.
  let read: { trx: MetaTransaction; now: number; current: Promise<Silence[]> } | undefined;
  return async (target, now, trx) => {
    if (read?.trx !== trx || read.now !== now) read = { trx, now, current: silences.in(trx).current(now) };
    const found = matchingSilence(await read.current, target, now);
    return found ? `silence:${found.id}` : null;
  };
}

/** The first hold that applies, or null: notices go out. */
export async function heldBy(checks: readonly HoldCheck[], target: SilenceTarget, now: number, trx: MetaTransaction): Promise<string | null> {
  for (const check of checks) {
    const held = await check(target, now, trx);
    if (held !== null) return held;
  }
  return null;
}

/** What a stored alert is matched on: its station, parameter and every rule it stands for. */
export function holdTarget(row: Pick<AlertRow, "station" | "parameter" | "rule_id" | "breaches">): SilenceTarget {
  const rules = breachesOf(row).map((b) => b.ruleId);
  return { station: row.station, parameter: row.parameter, ruleIds: rules.length > 0 ? rules : [row.rule_id] };
}
