// Typed calls of the data review API (server/src/review/review-routes.ts): corrections with their
// preview and undo, approvals, and the review queue. Every change goes through ApiClient.send, which
// adds the session's CSRF header.
import type { SeriesPoint } from "../../common/api-types.ts";
import type { ApprovalsResponse, ApprovalSegment, CorrectionAction, CorrectionInfo, CorrectionsResponse, ReviewQueueResponse } from "../../common/review.ts";
import type { ApiClient } from "./api.ts";

export interface ReviewSeries {
  station: string;
  parameter: string;
  sensor: string;
}

export interface CorrectionRequest extends ReviewSeries {
  from: number;
  to: number;
  action: CorrectionAction;
  reason: string;
}

/** The range's readings as stored and as they would be with the correction (nothing stored). */
export interface PreviewResponse {
  raw: SeriesPoint[];
  corrected: SeriesPoint[];
}

export interface ApprovalRequest extends ReviewSeries {
  from: number;
  to: number;
  reason: string;
}

const seriesQuery = (s: ReviewSeries, extra: Record<string, string | number> = {}) =>
  new URLSearchParams({ station: s.station, parameter: s.parameter, sensor: s.sensor, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) });

export class ReviewApi {
  constructor(private readonly api: ApiClient) {}

  async corrections(s: ReviewSeries, signal?: AbortSignal): Promise<CorrectionInfo[]> {
    return (await this.api.get<CorrectionsResponse>(`/api/v1/review/corrections?${seriesQuery(s)}`, signal)).corrections;
  }

  preview(req: CorrectionRequest): Promise<PreviewResponse> {
    return this.api.send("POST", "/api/v1/review/corrections/preview", req);
  }

  correct(req: CorrectionRequest): Promise<CorrectionInfo> {
    return this.api.send("POST", "/api/v1/review/corrections", req);
  }

  undo(id: number, reason: string): Promise<CorrectionInfo> {
    return this.api.send("POST", `/api/v1/review/corrections/${id}/undo`, { reason });
  }

  async approvals(s: ReviewSeries, from: number, to: number, signal?: AbortSignal): Promise<ApprovalSegment[]> {
    return (await this.api.get<ApprovalsResponse>(`/api/v1/review/approvals?${seriesQuery(s, { from, to })}`, signal)).segments;
  }

  approve(req: ApprovalRequest & { level: "checked" | "approved" }): Promise<unknown> {
    return this.api.send("POST", "/api/v1/review/approvals", req);
  }

  unapprove(req: ApprovalRequest): Promise<unknown> {
    return this.api.send("POST", "/api/v1/review/unapprovals", req);
  }

  queue(olderThanDays: number, signal?: AbortSignal): Promise<ReviewQueueResponse> {
    return this.api.get(`/api/v1/review/queue?olderThanDays=${olderThanDays}`, signal);
  }
}
