// The year and data basis an assessment page shows, kept in its URL. Pure.
import { ASSESSMENT_BASES } from "../../../common/assessment-api.ts";
import type { BasisChoice } from "../../../common/assessment.ts";

export interface AssessmentChoice {
  year: number;
  basis: BasisChoice;
}

/** Years offered: this one and the nine before (the API assesses at most ten years at once). */
export const YEARS_OFFERED = 10;

export function parseChoice(query: URLSearchParams, now = Date.now()): AssessmentChoice {
  const current = new Date(now).getFullYear();
  const y = Number(query.get("year"));
  const basis = ASSESSMENT_BASES.find((b) => b === query.get("basis")) ?? "both";
  return { year: Number.isInteger(y) && y >= 1970 && y <= current + 1 ? y : current, basis };
}

export function choiceQuery(c: AssessmentChoice): URLSearchParams {
  return new URLSearchParams({ year: String(c.year), basis: c.basis });
}

export function yearOptions(now = Date.now()): number[] {
  const current = new Date(now).getFullYear();
  return Array.from({ length: YEARS_OFFERED }, (_, i) => current - i);
}
