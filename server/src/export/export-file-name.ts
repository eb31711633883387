// File names for downloads. Only [A-Za-z0-9._-] ever reaches the header, so no request value can
// inject a header (CR/LF), break out of the quoted filename, or name a path; filename* (RFC 5987)
// repeats it for clients that prefer the extended form.
import type { ExportRequest } from "./export-params.ts";

const UNSAFE = /[^A-Za-z0-9._-]+/g;
const MAX_LENGTH = 160;

export function safeFileNamePart(text: string): string {
  return text.replace(UNSAFE, "-").replace(/-{2,}/g, "-").replace(/^[-.]+|[-.]+$/g, "");
}

/** 20260101T000000Z */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

function listPart(ids: readonly string[], noun: string): string {
  return ids.length === 1 ? ids[0]! : `${ids.length}-${noun}`;
}

/** water-monitor_DE-ELBE-ZEHREN_carbamazepine[_<sensor>]_20260101T000000Z-20260201T000000Z_raw.csv */
export function exportFileName(req: ExportRequest, extension: string): string {
  const parts = [
    "water-monitor",
    listPart(req.stations.map((s) => s.id), "stations"),
    listPart(req.parameters.map((p) => p.code), "parameters"),
    req.sensors === null ? "" : listPart(req.sensors.map((s) => s.id), "sensors"),
    `${stamp(req.from)}-${stamp(req.to)}`,
    req.resolution,
  ];
  if (req.layout === "wide") parts.push("wide");
  if (req.qc === "pass") parts.push("qc-pass");
  const base = parts.map(safeFileNamePart).filter((p) => p !== "").join("_").slice(0, MAX_LENGTH);
  return `${base}.${safeFileNamePart(extension)}`;
}

/** `attachment; filename="…"; filename*=UTF-8''…` for a name already reduced to safe characters. */
export function contentDisposition(fileName: string): string {
  const safe = safeFileNamePart(fileName) || "export";
  return `attachment; filename="${safe}"; filename*=UTF-8''${encodeURIComponent(safe)}`;
}
