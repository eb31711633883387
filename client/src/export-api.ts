// Data export for researchers (server/src/export/export-routes.ts): the size estimate, and the
// streamed download read chunk by chunk so the dialog can show progress and cancel it. Plain GETs
// (no CSRF needed); a 401 here is reported to the caller and not turned into a re-mount, so the
// dialog can say why the export was refused before the page changes.
import { toError } from "./api.ts";

import { EXPORT_FORMATS, EXPORT_LAYOUTS, EXPORT_QC, EXPORT_RESOLUTIONS, EXPORT_TIME_ZONES } from "../../common/export-options.ts";
import type { ExportFormat, ExportLayout, ExportOptions, ExportQcFilter, ExportResolution, ExportTimeZone } from "../../common/export-options.ts";

export { EXPORT_FORMATS, EXPORT_LAYOUTS, EXPORT_QC, EXPORT_RESOLUTIONS, EXPORT_TIME_ZONES };
export type { ExportFormat, ExportLayout, ExportOptions, ExportQcFilter, ExportResolution, ExportTimeZone };

export interface ExportChoices extends ExportOptions {
  stations: string[];
  parameters: string[];
  /** Half-open range [from, to), epoch ms. */
  from: number;
  to: number;
}

export interface ExportEstimate {
  rows: number;
  bytes: number;
}

export interface ExportProgress {
  bytes: number;
  /** Data rows so far; null when they cannot be told from line breaks (JSON array, zip). */
  rows: number | null;
}

export interface ExportFile extends ExportProgress {
  blob: Blob;
  fileName: string;
}

export function exportQuery(c: ExportChoices): URLSearchParams {
  const q = new URLSearchParams({
    stations: c.stations.join(","),
    parameters: c.parameters.join(","),
    from: String(Math.floor(c.from)),
    to: String(Math.ceil(c.to)),
    format: c.format,
    resolution: c.resolution,
    layout: c.layout,
    tz: c.tz,
    qc: c.qc,
  });
  if (c.metadata) q.set("metadata", "1");
  if (c.bom && c.format === "csv") q.set("bom", "1");
  // The lab results table needs the bundle (the server refuses include=lab without it).
  if (c.metadata && c.include.length > 0) q.set("include", c.include.join(","));
  return q;
}

/** Line breaks that end a data row: CSV has one header line, NDJSON none; others are not counted. */
export function rowCounting(c: Pick<ExportChoices, "format" | "metadata">): { headerLines: number } | null {
  if (c.metadata) return null;
  if (c.format === "csv") return { headerLines: 1 };
  if (c.format === "ndjson") return { headerLines: 0 };
  return null;
}

const LF = 0x0a;

export function countLineFeeds(chunk: Uint8Array): number {
  let n = 0;
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) n++;
  return n;
}

/**
 * The file name from Content-Disposition: filename* (RFC 5987) first, then filename. Only the last
 * path segment of plain characters is kept, whatever the header says.
 */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = undefined;
    }
  }
  name ??= /filename\s*=\s*"([^"]*)"/.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/.exec(header)?.[1];
  const safe = (name ?? "").split(/[\\/]/).pop()!.replace(/[^\w.-]+/g, "-");
  return safe && !/^\.+$/.test(safe) ? safe : fallback;
}

export class ExportApi {
  constructor(private readonly base = "") {}

  /** Rows and bytes the export would have; 400 (bad choices) etc. as ApiError. */
  async estimate(c: ExportChoices, signal?: AbortSignal): Promise<ExportEstimate> {
    const res = await fetch(`${this.base}/api/v1/export/estimate?${exportQuery(c)}`, {
      signal,
      credentials: "same-origin",
      headers: { accept: "application/json" },
    });
    if (!res.ok) throw await toError(res);
    return (await res.json()) as ExportEstimate;
  }

  /** Downloads the export into memory, reporting progress per chunk; abort with `signal`. */
  async download(c: ExportChoices, signal: AbortSignal, onProgress: (p: ExportProgress) => void): Promise<ExportFile> {
    const res = await fetch(`${this.base}/api/v1/export?${exportQuery(c)}`, { signal, credentials: "same-origin" });
    if (!res.ok) throw await toError(res);
    const counting = rowCounting(c);
    const parts: Uint8Array[] = [];
    const progress: ExportProgress = { bytes: 0, rows: counting ? 0 : null };
    let lineFeeds = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        progress.bytes += value.byteLength;
        if (counting) {
          lineFeeds += countLineFeeds(value);
          progress.rows = Math.max(0, lineFeeds - counting.headerLines);
        }
        onProgress({ ...progress });
      }
    }
    const type = res.headers.get("content-type") ?? "application/octet-stream";
    const fallback = `water-monitor-export.${c.metadata ? "zip" : c.format}`;
    const fileName = fileNameFromDisposition(res.headers.get("content-disposition"), fallback);
    return { ...progress, blob: new Blob(parts as BlobPart[], { type }), fileName };
  }
}

/** Hands a downloaded file to the browser as a download under `fileName`. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; keep it a while for slow browsers anyway.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
