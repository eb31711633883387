// Compliance assessments (server/src/assessment/api/assessment-routes.ts): the status table, one
// series' details, year over year, and the CSV downloads.
import type { AssessmentInclude, AssessmentResponse, LoadsResponse, YearsResponse } from "../../common/assessment-api.ts";
import type { BasisChoice, MacMode } from "../../common/assessment.ts";
import type { ApiClient } from "./api.ts";
import type { PeriodChoiceKind } from "./assessment/choice.ts";

/** The options of the method (the same for every view of an assessment). */
export interface AssessmentOptions {
  basis: BasisChoice;
  approvedOnly?: boolean;
  asOf?: number | null;
  macMode?: MacMode;
}

export interface AssessmentParams extends AssessmentOptions {
  year: number;
  /** Default: the calendar year. */
  period?: PeriodChoiceKind;
  from?: string;
  to?: string;
  stations?: readonly string[];
  parameters?: readonly string[];
  include?: readonly AssessmentInclude[];
}

function setOptions(q: URLSearchParams, p: AssessmentOptions): URLSearchParams {
  q.set("basis", p.basis);
  if (p.approvedOnly) q.set("approvedOnly", "true");
  if (p.asOf !== null && p.asOf !== undefined) q.set("asOf", new Date(p.asOf).toISOString());
  if (p.macMode && p.macMode !== "every-value") q.set("macMode", p.macMode);
  return q;
}

export function assessmentQuery(p: AssessmentParams): URLSearchParams {
  const q = new URLSearchParams();
  if (p.period === "rolling") q.set("rolling", "12m");
  else if (p.period === "range") {
    q.set("from", p.from ?? "");
    q.set("to", p.to ?? "");
  } else q.set("year", String(p.year));
  setOptions(q, p);
  if (p.stations?.length) q.set("stations", p.stations.join(","));
  if (p.parameters?.length) q.set("parameters", p.parameters.join(","));
  if (p.include?.length) q.set("include", p.include.join(","));
  return q;
}

export class AssessmentApi {
  constructor(private readonly api: ApiClient) {}

  assessments(p: AssessmentParams, signal?: AbortSignal): Promise<AssessmentResponse> {
    return this.api.get(`/api/v1/assessments?${assessmentQuery(p)}`, signal);
  }

  years(station: string, parameter: string, fromYear: number, toYear: number, options: AssessmentOptions, signal?: AbortSignal): Promise<YearsResponse> {
    const q = setOptions(new URLSearchParams({ station, parameters: parameter, fromYear: String(fromYear), toYear: String(toYear) }), options);
    return this.api.get(`/api/v1/assessments/years?${q}`, signal);
  }

  loads(p: AssessmentParams, signal?: AbortSignal): Promise<LoadsResponse> {
    const q = assessmentQuery(p);
    q.set("format", "json");
    return this.api.get(`/api/v1/assessments/loads?${q}`, signal);
  }
}

/** The same table as CSV, with each series' period load (a plain link: the browser downloads it with the session cookie). */
export function assessmentCsvHref(p: AssessmentParams): string {
  const q = assessmentQuery({ ...p, include: p.include ?? ["loads"] });
  q.set("format", "csv");
  return `/api/v1/assessments?${q}`;
}

export function loadsCsvHref(p: AssessmentParams): string {
  return `/api/v1/assessments/loads?${assessmentQuery(p)}`;
}
