// Every rule the assessment applies, with the text it rests on. A result names the rules it used by
// id, so the status page, the printable report's method section and the JSON/CSV export can show
// the citation next to the verdict instead of restating the law in three places. `sources` are ids
// of the catalog's sources (server/src/catalog/seed-catalog.json) with the full citation; the
// dashboard words each summary in its languages (client/src/i18n, "rule.<id>").

export const ASSESSMENT_RULES = {
  "eu-aa-annual-mean": {
    summary: "AA-EQS: the arithmetic mean of the values measured during the year must not exceed the standard.",
    citation: "Directive 2008/105/EC, Annex I Part B, point 1",
    sources: ["EU-2008-105"],
  },
  "eu-mac-every-value": {
    summary: "MAC-EQS: no single measured value may exceed the standard.",
    citation: "Directive 2008/105/EC, Annex I Part B, point 2",
    sources: ["EU-2008-105"],
  },
  "eu-mac-percentile": {
    summary:
      "MAC-EQS by percentile (option): the 90th or 95th percentile of the values (nearest rank, Hyndman & Fan 1996 definition 1) must not exceed the standard.",
    citation: "Directive 2008/105/EC, Annex I Part B, point 2 (statistical methods such as a percentile, per Directive 2000/60/EC Annex V 1.3.4)",
    sources: ["EU-2008-105", "EU-WFD-2000-60"],
  },
  "eu-loq-half": {
    summary: "Results below the limit of quantification count as half that limit in a mean; a mean below it is reported as '< LOQ'.",
    citation: "Commission Directive 2009/90/EC, Art. 5(1) and 5(2)",
    sources: ["EU-2009-90"],
  },
  "eu-method-sensitivity": {
    summary:
      "A method fits an EQS only if its limit of quantification is at most 30 % of the EQS; with a coarser method a compound never quantified is not assessable, and a verdict must hold whatever the censored values really were (between 0 and their limit).",
    citation: "Commission Directive 2009/90/EC, Art. 4(1)",
    sources: ["EU-2009-90"],
  },
  "wfd-min-frequency": {
    summary:
      "Priority substances are monitored at least monthly (other pollutants quarterly): a period with a month (quarter) without a QC-passed value is 'insufficient data', not a verdict that it complies.",
    citation: "Directive 2000/60/EC (WFD), Annex V, section 1.3.4, table of monitoring frequencies",
    sources: ["EU-WFD-2000-60"],
  },
  "limit-every-value": {
    summary: "Maximum, minimum and range standards hold for every single value.",
    citation: "the standard's own source (catalog); Water Monitor applies such limits per value",
    sources: [],
  },
  "watch-list-mdl": {
    summary: "A watch-list detection limit is a requirement on the method, not a quality standard: it gives no verdict on the water.",
    citation: "Commission Implementing Decision (EU) 2022/1307 (surface water watch list), maximum acceptable method detection limit",
    sources: ["EU-WL-2022"],
  },
  "gb3838-class": {
    summary:
      "Each indicator takes the best class I–V whose limit its concentration meets (upper limits: not above; lower limits such as dissolved oxygen: at least; pH: 6–9 for every class); a value beyond the class V limit is worse than class V (劣Ⅴ类).",
    citation: "GB 3838-2002, Table 1",
    sources: ["CN-GB3838-2002"],
  },
  "gb3838-period-mean": {
    summary: "Over an assessment period an indicator is classed by the arithmetic mean of its results; the worst single value is given beside it.",
    citation: "Ministry of Environmental Protection, Surface Water Environmental Quality Assessment Method (trial), 环办[2011]22号, section 一(二) (data statistics: several results are assessed by their arithmetic mean)",
    sources: ["CN-HB-2011-22"],
  },
  "gb3838-worst-indicator": {
    summary: "A station (section) takes the worst class over its assessed indicators (single-factor method), naming the indicator.",
    citation: "GB 3838-2002; 环办[2011]22号, section 二(一)1 (single-factor assessment: the worst class among the assessed indicators)",
    sources: ["CN-GB3838-2002", "CN-HB-2011-22"],
  },
  "gb3838-exceedance-multiple": {
    summary:
      "Exceedance multiple = (concentration − limit) / limit, over the target-class limit and over the class III limit; not computed for pH and dissolved oxygen (lower-limit and range items).",
    citation: "环办[2011]22号, section 二(一)3(1) (multiple over the class III limit; none for water temperature, pH and dissolved oxygen); GB 3838-2002, Table 1",
    sources: ["CN-HB-2011-22", "CN-GB3838-2002"],
  },
  "load-daily": {
    summary: "Daily load = daily concentration × daily mean discharge (ng/L × m³/s × 0.0864 = g/d), with censored values at half their limit.",
    citation: "mass balance; censored values after Commission Directive 2009/90/EC, Art. 5(1)",
    sources: ["EU-2009-90"],
  },
  "load-period-flow-weighted": {
    summary:
      "Period load = flow-weighted mean concentration Σ(Cᵢ·Qᵢ)/ΣQᵢ over the days with both × the water volume of the period (mean daily discharge × duration).",
    citation: "OSPAR Comprehensive Study on Riverine Inputs and Direct Discharges (RID), Agreement 2014-04, load formula L = Qr · Σ(Cᵢ·Qᵢ)/ΣQᵢ",
    sources: ["OSPAR-RID-2014-04"],
  },
} as const satisfies Record<string, AssessmentRule>;

export type AssessmentRuleId = keyof typeof ASSESSMENT_RULES;

export interface AssessmentRule {
  summary: string;
  citation: string;
  /** Catalog source ids. */
  sources: readonly string[];
}
