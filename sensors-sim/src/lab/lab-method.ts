// The simulated laboratory: how it samples and how well it measures. Modelling choices of the
// simulator, in one place (not facts about a real laboratory): an LC-MS/MS method after solid-phase
// enrichment whose limits of quantification lie well below the online sensors' limits of detection
// (catalog: 1–20 ng/L, ethinylestradiol 0.05 ng/L), and an expanded uncertainty of 20 % (k = 2), so
// a lab result scatters around the true concentration with a standard deviation of 10 %.
import type { ParameterCode } from "../../../common/catalog-model.ts";

export const SIM_LAB = Object.freeze({
  laboratory: "Water Monitor simulated laboratory",
  method: "LC-MS/MS after solid-phase extraction (simulated)",
  /** Expanded uncertainty, % of the value (k = 2). */
  uncertaintyPercent: 20,
  /** LOQ in ng/L for compounds without an entry of their own. */
  defaultLoqNgPerL: 0.5,
  /** Compounds the method quantifies lower (in ng/L). */
  loqNgPerL: { ethinylestradiol: 0.02 } as Readonly<Partial<Record<ParameterCode, number>>>,
  /** Weekly 24-hour composite: sampling starts on this ISO weekday (1 = Monday) at this local hour. */
  compositeWeekday: 2,
  compositeStartHour: 8,
  compositeHours: 24,
  /** Results come back from the laboratory this long after sampling ended. */
  analysisDelayMs: 2 * 86_400_000,
  /** Grab samples taken during an incident are analysed urgently. */
  urgentAnalysisDelayMs: 4 * 3_600_000,
  /** Grab samples during a spill: at the plume's peak and this many pulse widths before and after. */
  spillGrabOffsets: [-1, 0, 1] as readonly number[],
});

export function labLoq(parameter: ParameterCode): number {
  return SIM_LAB.loqNgPerL[parameter] ?? SIM_LAB.defaultLoqNgPerL;
}
