// "Sensor disagrees with lab" (issue #16), pure: judges a sensor by its latest sensor–lab pairs, the
// lab being the reference method. The relative difference is the validation view's
// (100 × (sensor − lab) / lab, server/src/lab/validation/pairing.ts). Pairs the validation leaves
// out of its statistics (either side below its limit, too few readings in the sampling period) are
// left out here too: a "< LOQ" pair says nothing about agreement (Directive 2009/90/EC Art. 5(2)
// keeps values below the LOQ out of comparisons with a number). The threshold and the number of
// pairs are the operator's choice: no standard sets them.
import type { AlertRule } from "../../../common/alerts.ts";
import type { ValidationPair } from "../../../common/lab-validation.ts";
import { limitCondition } from "./conditions.ts";
import type { Condition } from "./state-machine.ts";

export interface Disagreement {
  /**
   * breach: each of the last `runLength` usable pairs differs by more than the threshold; clear: the
   * latest pair is back inside the clear band (threshold × clearRatio); hold otherwise (also while
   * there are fewer pairs than `runLength`); unknown: no usable pair at all.
   */
  condition: Condition;
  /** The latest usable pair's relative difference, % (signed: a sensor reading low is negative). */
  value: number | null;
  /** Pairs judged (at most runLength). */
  count: number;
  latest: ValidationPair | null;
}

type Usable = ValidationPair & { relativeDifferencePercent: number };

export function judgeDisagreement(pairs: readonly ValidationPair[], rule: Pick<AlertRule, "kind" | "threshold" | "low" | "high" | "runLength" | "clearRatio">): Disagreement {
  const usable = pairs.filter((p): p is Usable => p.excluded === null && p.relativeDifferencePercent !== null).sort((a, b) => a.time - b.time);
  const latest = usable.at(-1);
  if (!latest) return { condition: "unknown", value: null, count: 0, latest: null };
  const n = rule.runLength ?? 1;
  const judged = usable.slice(-n);
  const conditions = judged.map((p) => limitCondition(rule, Math.abs(p.relativeDifferencePercent)));
  const last = conditions.at(-1)!;
  let condition: Condition;
  if (judged.length === n && conditions.every((c) => c === "breach")) condition = "breach";
  else condition = last === "clear" ? "clear" : "hold";
  return { condition, value: latest.relativeDifferencePercent, count: judged.length, latest };
}
