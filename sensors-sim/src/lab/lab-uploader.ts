// Sends simulated lab results through the server's real import API, as a laboratory's data manager
// would: POST the file as a dry run, look at the report, and apply it with the dry run's preview
// token only when it adds or changes something (a re-import of the same weeks changes nothing and
// records no import). Authenticates with a personal API token of a researcher.
import type { LabImportReport } from "../../../common/lab.ts";
import type { FetchFn } from "../transport/sink.ts";

export interface LabUploadOptions {
  /** Server base URL. */
  url: string;
  /** Personal API token (researcher) for POST /api/v1/lab/imports. */
  token: string;
  fetch?: FetchFn;
  requestTimeoutMs: number;
}

export interface LabUploadOutcome {
  /** Results the file adds or changes (0: nothing to apply). */
  added: number;
  changed: number;
  unchanged: number;
  /** Set when the import was applied. */
  importId: number | null;
}

export class LabUploadError extends Error {
  override readonly name = "LabUploadError";
}

async function post(options: LabUploadOptions, fileName: string, body: Uint8Array, query: Record<string, string>): Promise<LabImportReport> {
  const doFetch = options.fetch ?? fetch;
  const res = await doFetch(`${options.url.replace(/\/$/, "")}/api/v1/lab/imports?${new URLSearchParams(query)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${options.token}`, "content-type": "text/csv; charset=utf-8", "x-file-name": encodeURIComponent(fileName) },
    body: body as BodyInit,
    signal: AbortSignal.timeout(options.requestTimeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new LabUploadError(`lab import of ${fileName} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as LabImportReport;
}

export async function uploadLabFile(options: LabUploadOptions, fileName: string, csv: string, note: string): Promise<LabUploadOutcome> {
  const body = new TextEncoder().encode(csv);
  const preview = await post(options, fileName, body, { dryRun: "true" });
  const { added, changed, unchanged, rejected } = preview.counts.results;
  if (rejected > 0) {
    const first = preview.rejected[0];
    throw new LabUploadError(`the server rejected ${rejected} simulated lab result(s) of ${fileName}${first ? `, e.g. line ${first.line}: ${first.reason}` : ""}`);
  }
  const samples = preview.counts.samples;
  if (added + changed + samples.added + samples.changed === 0) return { added, changed, unchanged, importId: null };
  const applied = await post(options, fileName, body, { previewToken: preview.previewToken, note });
  return { added, changed, unchanged, importId: applied.import?.id ?? null };
}
