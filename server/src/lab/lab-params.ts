// Query strings and bodies of the lab API, checked at the edge: typed values or a ValidationError
// (400) naming every bad parameter.
import { z } from "zod";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { labMappingSchema, type LabMapping } from "../../../common/lab-mapping.ts";
import type { ErrorDetail } from "../errors.ts";
import { issueDetails } from "../http/validation.ts";
import { fail, parseWith, shown, timeParam } from "../query/query-params.ts";
import type { LabResultQuery } from "./lab-queries.ts";

export const RESULTS_LIMIT_DEFAULT = 10_000;
export const RESULTS_LIMIT_MAX = 50_000;
/** When `from` is omitted: a year before `to` (lab samples are weekly or rarer). */
const DEFAULT_RESULTS_RANGE_MS = 366 * 86_400_000;

const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const list = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""))
  .pipe(z.array(z.string()).max(100, "at most 100 entries"));

const importQuery = z.strictObject({
  dryRun: flag.optional(),
  preset: z.string().trim().min(1).max(100).optional(),
  /** The mapping as JSON (a browser sends JSON.stringify(mapping), URL-encoded). */
  mapping: z.string().max(16_000).optional(),
  encoding: z.enum(["auto", "utf-8", "gb18030"]).optional(),
  format: z.enum(["csv", "xlsx"]).optional(),
  onlyValid: flag.default(false),
  previewToken: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "previewToken must be the token of the dry run").optional(),
  note: z.string().trim().max(500).optional(),
  fileName: z.string().trim().min(1).max(255).optional(),
});

export interface ImportParams {
  dryRun: boolean;
  preset: string | undefined;
  /** Inline mapping, when given. */
  mapping: LabMapping | undefined;
  encoding: LabMapping["encoding"] | undefined;
  format: "csv" | "xlsx" | undefined;
  onlyValid: boolean;
  previewToken: string | undefined;
  note: string | null;
  fileName: string | undefined;
}

export function parseImportQuery(query: unknown): ImportParams {
  const q = parseWith(importQuery, query);
  if (q.preset !== undefined && q.mapping !== undefined) fail([{ path: "mapping", message: "give a preset or a mapping, not both" }]);
  let mapping: LabMapping | undefined;
  if (q.mapping !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(q.mapping);
    } catch {
      fail([{ path: "mapping", message: "mapping must be JSON, e.g. {\"columns\":{\"station\":\"Messstelle\"}}" }]);
    }
    const parsed = labMappingSchema.safeParse(json, { reportInput: true });
    if (!parsed.success) fail(issueDetails(parsed.error.issues).map((d) => ({ path: `mapping${d.path ? `.${d.path}` : ""}`, message: `mapping: ${d.message}` })));
    mapping = parsed.data;
  }
  return {
    // Without a preview token a request can only be a dry run; with one it applies unless told otherwise.
    dryRun: q.dryRun ?? q.previewToken === undefined,
    preset: q.preset,
    mapping,
    encoding: q.encoding,
    format: q.format,
    onlyValid: q.onlyValid,
    previewToken: q.previewToken,
    note: q.note || null,
    fileName: q.fileName,
  };
}

const resultsQuery = z.strictObject({
  stations: list.optional(),
  parameters: list.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z
    .string()
    .regex(/^\d{1,6}$/, "limit must be a whole number")
    .transform(Number)
    .pipe(z.number().min(1).max(RESULTS_LIMIT_MAX, `limit must be at most ${RESULTS_LIMIT_MAX}`))
    .optional(),
});

export function parseResultsQuery(query: unknown, catalog: CatalogSnapshot, now: number): LabResultQuery {
  const q = parseWith(resultsQuery, query);
  const details: ErrorDetail[] = [];
  const stations = q.stations ?? [];
  const parameters = q.parameters ?? [];
  for (const s of stations) if (!catalog.station(s)) details.push({ path: "stations", message: `unknown station ${shown(s)}` });
  for (const p of parameters) if (!catalog.parameter(p)) details.push({ path: "parameters", message: `unknown parameter ${shown(p)}` });
  const to = q.to ?? now;
  const from = q.from ?? to - DEFAULT_RESULTS_RANGE_MS;
  if (from >= to) details.push({ path: "from", message: "from must be before to" });
  if (details.length) fail(details);
  return { stations, parameters, from, to, limit: q.limit ?? RESULTS_LIMIT_DEFAULT };
}

const importsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export function parseImportsQuery(query: unknown): { limit: number; before?: number } {
  return parseWith(importsQuery, query);
}

export const presetBody = z.strictObject({
  name: z.string().trim().min(1, "a preset needs a name").max(100),
  mapping: labMappingSchema,
});

export const presetPatch = z
  .strictObject({ name: z.string().trim().min(1).max(100).optional(), mapping: labMappingSchema.optional() })
  .refine((p) => p.name !== undefined || p.mapping !== undefined, "give a new name, a new mapping, or both");

export const undoBody = z.strictObject({ reason: z.string().trim().max(500).default("") });

export const templateQuery = z.strictObject({ delimiter: z.enum(["comma", "semicolon"]).default("comma") });
