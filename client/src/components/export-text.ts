// Words for the export dialog: sizes, the estimate, progress, and why an export was refused. Pure
// (translator and locale are parameters) so the unit tests can check them.
import { ApiError } from "../api.ts";
import type { ExportEstimate, ExportProgress } from "../export-api.ts";
import type { Translate } from "../i18n/index.ts";

const SIZE_UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/** "812 B", "1.4 kB", "23 MB" (decimal units, as file managers and the server's estimate use). */
export function formatBytes(bytes: number, locale: string): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${SIZE_UNITS[unit]}`;
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

export function estimateText(e: ExportEstimate, zipped: boolean, t: Translate, locale: string): string {
  if (e.rows === 0) return t("export.estimateNone");
  const params = { rows: formatCount(e.rows, locale), size: formatBytes(e.bytes, locale) };
  return zipped ? t("export.estimateZip", params) : t("export.estimate", params);
}

export function progressText(p: ExportProgress, t: Translate, locale: string): string {
  const size = formatBytes(p.bytes, locale);
  return p.rows === null ? t("export.progress", { size }) : t("export.progressRows", { size, rows: formatCount(p.rows, locale) });
}

export function savedText(file: string, p: ExportProgress, t: Translate, locale: string): string {
  const size = formatBytes(p.bytes, locale);
  return p.rows === null ? t("export.saved", { file, size }) : t("export.savedRows", { file, size, rows: formatCount(p.rows, locale) });
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

/** Why the server refused: log in (401), role (403), one at a time (429), bad choices (400). */
export function exportErrorText(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return t("export.error.401");
    if (err.status === 403) return t("export.error.403");
    if (err.status === 429) return t("export.error.429");
    if (err.status === 400) return t("export.error.400", { error: err.message.replace(/^Invalid query:\s*/, "") });
  }
  return t("export.error.failed", { error: err instanceof Error ? err.message : String(err) });
}
