// Compliance assessments (server/src/assessment/api/assessment-routes.ts): the status table, one
// series' details, year over year, and the CSV downloads.
import type { AssessmentInclude, AssessmentResponse, LoadsResponse, YearsResponse } from "../../common/assessment-api.ts";
import type { BasisChoice } from "../../common/assessment.ts";
import type { ApiClient } from "./api.ts";

export interface AssessmentParams {
  year: number;
  basis: BasisChoice;
  stations?: readonly string[];
  parameters?: readonly string[];
  approvedOnly?: boolean;
  include?: readonly AssessmentInclude[];
}

export function assessmentQuery(p: AssessmentParams): URLSearchParams {
  const q = new URLSearchParams({ year: String(p.year), basis: p.basis });
  if (p.stations?.length) q.set("stations", p.stations.join(","));
  if (p.parameters?.length) q.set("parameters", p.parameters.join(","));
  if (p.approvedOnly) q.set("approvedOnly", "true");
  if (p.include?.length) q.set("include", p.include.join(","));
  return q;
}

export class AssessmentApi {
  constructor(private readonly api: ApiClient) {}

  assessments(p: AssessmentParams, signal?: AbortSignal): Promise<AssessmentResponse> {
    return this.api.get(`/api/v1/assessments?${assessmentQuery(p)}`, signal);
  }

  years(station: string, parameter: string, fromYear: number, toYear: number, basis: BasisChoice, signal?: AbortSignal): Promise<YearsResponse> {
    const q = new URLSearchParams({ station, parameters: parameter, fromYear: String(fromYear), toYear: String(toYear), basis });
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
