// Lab imports as a browser or a script sends them: the file itself as the body, its name in
// X-File-Name, options in the query string; dry run first, then the same file with its token.
import type { LabImportReport } from "../../common/lab.ts";

export interface LabFileUpload {
  name: string;
  bytes: Uint8Array | string;
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

export async function labImport(
  baseUrl: string,
  headers: Record<string, string>,
  file: LabFileUpload,
  query: Record<string, string | boolean | object> = {},
): Promise<ApiAnswer> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]));
  const body = typeof file.bytes === "string" ? new TextEncoder().encode(file.bytes) : file.bytes;
  const { "content-type": _json, ...rest } = headers;
  const res = await fetch(`${baseUrl}/api/v1/lab/imports?${params}`, {
    method: "POST",
    headers: { ...rest, "content-type": file.name.endsWith(".xlsx") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv", "x-file-name": encodeURIComponent(file.name) },
    body: body as BodyInit,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Dry run, then apply with the dry run's token; returns both answers. */
export async function importFile(
  baseUrl: string,
  headers: Record<string, string>,
  file: LabFileUpload,
  query: Record<string, string | boolean | object> = {},
): Promise<{ preview: ApiAnswer<LabImportReport>; applied: ApiAnswer }> {
  const preview = await labImport(baseUrl, headers, file, { ...query, dryRun: true });
  if (preview.status !== 200) throw new Error(`dry run answered ${preview.status}: ${JSON.stringify(preview.body)}`);
  const applied = await labImport(baseUrl, headers, file, { ...query, previewToken: preview.body.previewToken });
  return { preview, applied };
}

export async function getJson(baseUrl: string, path: string, headers: Record<string, string>): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

export async function sendJson(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
