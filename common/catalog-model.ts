// The catalog's data model: stations, rivers, regions, organisations, parameters (compounds and
// physico-chemical parameters), sensors with their deployments and calibrations, quality standards
// with legal status, scope and validity, and the sources they cite. The zod schemas are the
// definition (the server checks every catalog change and import against them); the types follow.
// Only `import type` from this module in the client: the schemas are for the server and tests.
import { z } from "zod";
import { isCasNumber } from "./cas.ts";
import { isKnownUnit } from "./units.ts";

export const LANGUAGES = ["en", "de", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];

/** A name in the UI languages; English is required and is the fallback. */
export const localizedText = z
  .object({
    en: z.string().trim().min(1, "needs an English name").max(200),
    de: z.string().trim().min(1).max(200).optional(),
    zh: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type LocalizedText = z.infer<typeof localizedText>;

/** Station, sensor and organisation ids: upper-case letters, digits and dashes (they become InfluxDB tags). */
export const UPPER_ID = /^[A-Z0-9](?:[A-Z0-9-]{0,62}[A-Z0-9])?$/;
/** Parameter codes, river and region ids: lower-case letters, digits and underscores. */
export const LOWER_ID = /^[a-z][a-z0-9_]{0,62}$/;

const upperId = (what: string) => z.string().regex(UPPER_ID, `${what} may contain only A-Z, 0-9 and '-' (not at the ends), at most 64 characters`);
const lowerId = (what: string) => z.string().regex(LOWER_ID, `${what} may contain only a-z, 0-9 and '_', starting with a letter, at most 63 characters`);

export const stationId = upperId("a station id");
export const sensorId = upperId("a sensor id");
export const organisationId = upperId("an organisation id");
export const parameterCode = lowerId("a parameter code");
export const riverId = lowerId("a river id");
export const regionId = lowerId("a region id");

export type StationId = string;
export type SensorId = string;
export type ParameterCode = string;
export type OrganisationId = string;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A calendar date (YYYY-MM-DD) or an instant (ISO 8601 with offset): validity and deployment bounds. */
const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(s) && Number.isFinite(Date.parse(s)), "must be a date (YYYY-MM-DD) or an ISO 8601 instant");

const range = (what: string) =>
  z
    .tuple([z.number(), z.number()])
    .refine(([lo, hi]) => lo <= hi, `${what}: the lower bound must not exceed the upper bound`);

export const STATION_STATUSES = ["planned", "active", "maintenance", "retired"] as const;
export type StationStatus = (typeof STATION_STATUSES)[number];

/** GB 3838-2002 surface-water classes, best (I) to worst (V). */
export const WATER_CLASSES = ["I", "II", "III", "IV", "V"] as const;
export type WaterClass = (typeof WATER_CLASSES)[number];

export const organisationSchema = z
  .object({
    id: organisationId,
    name: localizedText,
    country: z.string().regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code such as DE or CN"),
    url: z.url().optional(),
  })
  .strict();
export type Organisation = z.infer<typeof organisationSchema>;

export const regionSchema = z
  .object({
    id: regionId,
    name: localizedText,
    country: z.string().regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code such as DE or CN"),
  })
  .strict();
export type Region = z.infer<typeof regionSchema>;

export const riverSchema = z.object({ id: riverId, name: localizedText }).strict();
export type River = z.infer<typeof riverSchema>;

export const stationSchema = z
  .object({
    id: stationId,
    name: localizedText,
    river: riverId,
    /** Kilometre along the river in flow direction (profile order, travel times); null when unknown. */
    riverKm: z.number().min(0).max(10_000).nullable(),
    region: regionId,
    lat: z.number().min(-90, "latitude must be between -90 and 90").max(90, "latitude must be between -90 and 90"),
    lon: z.number().min(-180, "longitude must be between -180 and 180").max(180, "longitude must be between -180 and 180"),
    timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin or Asia/Shanghai"),
    operator: organisationId.nullable(),
    identifiers: z
      .object({
        /** The state agency's site number. */
        state: z.string().max(64).optional(),
        /** EU WISE water-body code. */
        wise: z.string().max(64).optional(),
        /** Chinese national monitoring section code. */
        cnSection: z.string().max(64).optional(),
      })
      .strict(),
    /** Chinese water-function target class (GB 3838-2002), for Chinese stations. */
    targetClass: z.enum(WATER_CLASSES).nullable(),
    status: z.enum(STATION_STATUSES),
    /** Readings come from the built-in simulator. */
    simulated: z.boolean(),
    note: z.string().max(2_000).optional(),
  })
  .strict();
export type Station = z.infer<typeof stationSchema>;

export const PARAMETER_GROUPS = ["pharmaceutical", "physico-chemical", "nutrient", "organic", "hydrological", "metal"] as const;

export const parameterSchema = z
  .object({
    code: parameterCode,
    name: localizedText,
    cas: z.string().refine(isCasNumber, "must be a CAS registry number with a valid check digit, e.g. 298-46-4").nullable(),
    /** Other names lab reports use (any language), matched case-insensitively. */
    synonyms: z.array(z.string().trim().min(1).max(100)).max(50),
    group: z.enum(PARAMETER_GROUPS),
    /** Therapeutic or chemical class, in English. */
    class: z.string().max(100).optional(),
    /** Canonical unit: every reading, limit and standard of this parameter is stored in it. */
    unit: z.string().refine(isKnownUnit, "unknown unit; use one of ng/L, µg/L, mg/L, °C, pH, µS/cm, FNU, m³/s"),
    /** Range a healthy river shows (simulation settings and QC's default expected range). */
    typical: range("typical"),
    note: z.string().max(2_000).optional(),
  })
  .strict();
export type Parameter = z.infer<typeof parameterSchema>;

export const deploymentSchema = z
  .object({
    station: stationId,
    from: instant,
    /** null: still installed. */
    to: instant.nullable(),
    /** Readings that name no sensor go to the station's primary sensor for the parameter. */
    primary: z.boolean(),
  })
  .strict()
  .refine((d) => d.to === null || Date.parse(d.to) > Date.parse(d.from), { message: "a deployment must end after it starts", path: ["to"] });
export type Deployment = z.infer<typeof deploymentSchema>;

export const calibrationSchema = z
  .object({
    version: z.number().int().positive(),
    at: instant,
    by: z.string().min(1).max(200),
    /** Reference material or method the sensor was calibrated against. */
    reference: z.string().min(1).max(500),
    /** concentration = slope × raw signal + intercept. */
    function: z.object({ kind: z.literal("linear"), slope: z.number().refine((v) => v !== 0, "slope must not be 0"), intercept: z.number() }).strict(),
    note: z.string().max(2_000).optional(),
  })
  .strict();
export type Calibration = z.infer<typeof calibrationSchema>;

export const sensorSchema = z
  .object({
    id: sensorId,
    parameter: parameterCode,
    make: z.string().min(1).max(200),
    model: z.string().min(1).max(200),
    serial: z.string().min(1).max(200),
    /** Measuring principle, e.g. "electrochemical (molecularly imprinted polymer)", "optical (luminescence)". */
    method: z.string().min(1).max(500),
    owner: organisationId.nullable(),
    /** Limits in the parameter's unit. LOQ ≥ LOD when both are given. */
    lod: z.number().positive("the LOD must be positive").nullable(),
    loq: z.number().positive("the LOQ must be positive").nullable(),
    /** Expanded measurement uncertainty (k = 2): relative (%) or absolute (parameter unit). */
    uncertainty: z.object({ relativePercent: z.number().positive().max(1_000).optional(), absolute: z.number().positive().optional() }).strict().nullable(),
    /** QC gross range: outside the sensor range → fail (4), outside the expected range → suspect (3). */
    sensorRange: range("sensorRange"),
    expectedRange: range("expectedRange"),
    /** Seconds between readings (no-data detection, coverage). */
    intervalSeconds: z.number().int().positive().max(31 * 86_400),
    deployments: z.array(deploymentSchema).max(1_000),
    calibrations: z.array(calibrationSchema).max(1_000),
  })
  .strict()
  .refine((s) => s.lod === null || s.loq === null || s.loq >= s.lod, { message: "the LOQ must not be below the LOD", path: ["loq"] });
export type Sensor = z.infer<typeof sensorSchema>;

export const STANDARD_KINDS = ["AA-EQS", "MAC-EQS", "range", "min", "max", "class-limits", "watch-list-MDL"] as const;
export type StandardKind = (typeof STANDARD_KINDS)[number];

export const LEGAL_STATUSES = ["binding", "adopted-not-transposed", "proposal", "guidance", "reference"] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

/**
 * Where a standard applies. Countries are ISO 3166-1 alpha-2 codes; "EU" stands for the member
 * states (common/jurisdictions.ts). A standard outside its scope is still shown, as a reference line.
 */
export const standardScopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }).strict(),
  z.object({ kind: z.literal("countries"), ids: z.array(z.string().regex(/^(EU|[A-Z]{2})$/, "a country is an ISO 3166-1 alpha-2 code or EU")).min(1) }).strict(),
  z.object({ kind: z.literal("regions"), ids: z.array(regionId).min(1) }).strict(),
  z.object({ kind: z.literal("rivers"), ids: z.array(riverId).min(1) }).strict(),
  z.object({ kind: z.literal("stations"), ids: z.array(stationId).min(1) }).strict(),
]);
export type StandardScope = z.infer<typeof standardScopeSchema>;

/** Class limits I–V: upper limits ("max"), lower limits ("min"), or one range for every class. */
export const classLimitsSchema = z.discriminatedUnion("direction", [
  z.object({ direction: z.literal("max"), limits: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]) }).strict(),
  z.object({ direction: z.literal("min"), limits: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]) }).strict(),
  z.object({ direction: z.literal("range"), range: range("range") }).strict(),
]);
export type ClassLimits = z.infer<typeof classLimitsSchema>;

export const standardSchema = z
  .object({
    /** Stable across versions: a changed value is a new version of the same standard. */
    id: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "a standard id may contain letters, digits, '.', '_' and '-'"),
    parameter: parameterCode,
    kind: z.enum(STANDARD_KINDS),
    value: z.number().nonnegative("a limit must not be negative").optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    classes: classLimitsSchema.optional(),
    /** Unit of the values above; must convert to the parameter's unit. */
    unit: z.string().refine(isKnownUnit, "unknown unit"),
    source: z.string().min(1, "a standard needs a source").max(100),
    legalStatus: z.enum(LEGAL_STATUSES),
    scope: standardScopeSchema,
    /** Validity (inclusive from, exclusive to); null: open. */
    validFrom: instant.nullable(),
    validTo: instant.nullable(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const need = (field: "value" | "min" | "max" | "classes") => {
      if (s[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `a ${s.kind} standard needs ${field}` });
    };
    if (s.kind === "range") {
      need("min");
      need("max");
    } else if (s.kind === "class-limits") need("classes");
    else need("value");
    if (s.kind === "range" && s.min !== undefined && s.max !== undefined && s.min > s.max) {
      ctx.addIssue({ code: "custom", path: ["min"], message: "min must not exceed max" });
    }
    if (s.validFrom && s.validTo && Date.parse(s.validTo) <= Date.parse(s.validFrom)) {
      ctx.addIssue({ code: "custom", path: ["validTo"], message: "validTo must be after validFrom" });
    }
  });
export type QualityStandard = z.infer<typeof standardSchema>;

export const sourceSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "a source id may contain letters, digits, '.', '_' and '-'"),
    /** Full citation: instrument, article/annex, date. */
    citation: z.string().min(10, "cite the source in full (instrument, article or annex, date)").max(2_000),
    url: z.url().optional(),
  })
  .strict();
export type Source = z.infer<typeof sourceSchema>;

import { CATALOG_FORMAT } from "./catalog-format.ts";
export { CATALOG_FORMAT };

/** The whole catalog: what `GET /api/v1/catalog` returns and what an import takes. */
export const catalogSchema = z
  .object({
    format: z.literal(CATALOG_FORMAT, { error: `not a Water Monitor catalog: "format" must be "${CATALOG_FORMAT}"` }),
    formatVersion: z.literal(1),
    organisations: z.array(organisationSchema),
    regions: z.array(regionSchema),
    rivers: z.array(riverSchema),
    stations: z.array(stationSchema),
    parameters: z.array(parameterSchema),
    sensors: z.array(sensorSchema),
    standards: z.array(standardSchema),
    sources: z.array(sourceSchema),
  })
  .strict();
export type CatalogData = z.infer<typeof catalogSchema>;
