// Chart.js plugin drawing a series' approval levels as a band just under the time axis: raw data
// (not reviewed) hatched grey, checked amber, approved green. Each level has its own pattern as well
// as its colour (palette.ts: never colour alone) and the panel lists the levels in text beside it.
import type { Chart, Plugin } from "chart.js";
import type { ApprovalLevel, ApprovalSegment } from "../../../common/review.ts";
import { OKABE_ITO } from "./palette.ts";

export interface ApprovalBandOptions {
  segments: ApprovalSegment[];
}

declare module "chart.js" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match chart.js's declaration
  interface PluginOptionsByType<TType> {
    wmApprovals?: ApprovalBandOptions;
  }
}

/** Height of the band and the gap the x axis leaves for it (ticks.padding). */
export const BAND_PX = 6;
export const BAND_GAP_PX = BAND_PX + 6;

export const APPROVAL_COLOURS: Readonly<Record<ApprovalLevel, string>> = {
  raw: "#bbbbbb",
  checked: OKABE_ITO.orange,
  approved: OKABE_ITO.bluishGreen,
};

export const approvalBandPlugin: Plugin<"line", ApprovalBandOptions> = {
  id: "wmApprovals",
  afterDraw(chart: Chart, _args, options) {
    const segments = options?.segments ?? [];
    const x = chart.scales.x;
    if (!x || segments.length === 0) return;
    const area = chart.chartArea;
    const top = area.bottom + 3;
    const ctx = chart.ctx;
    ctx.save();
    for (const s of segments) {
      const left = Math.max(area.left, x.getPixelForValue(s.from));
      const right = Math.min(area.right, x.getPixelForValue(s.to));
      if (!(right > left)) continue;
      ctx.fillStyle = APPROVAL_COLOURS[s.level];
      ctx.fillRect(left, top, right - left, s.level === "approved" ? BAND_PX : s.level === "checked" ? BAND_PX - 2 : BAND_PX - 4);
    }
    ctx.restore();
  },
};

/**
 * The approval band of a series from its points' levels: each point's level holds until the next
 * point (the last one's until `to`). Empty when nothing is reviewed: an all-grey band says nothing.
 */
export function approvalSegments(points: ReadonlyArray<{ t: number; approval?: ApprovalLevel }>, to: number): ApprovalSegment[] {
  const out: ApprovalSegment[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const level = p.approval ?? "raw";
    const end = points[i + 1]?.t ?? Math.max(to, p.t + 1);
    const last = out[out.length - 1];
    if (last && last.level === level && last.to === p.t) last.to = end;
    else out.push({ from: p.t, to: end, level });
  }
  return out.some((s) => s.level !== "raw") ? out : [];
}
