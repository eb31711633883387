// The dry run's report of a lab file: how it was read, how many samples and results it would add,
// change or leave unchanged, every rejected row with its line, reason and the closest catalog
// matches, and every change as old → new. Text only (textContent) for everything from the file.
import type { LabImportReport, LabResultChange, LabSampleChange } from "../../../common/lab.ts";
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";
import { formatDateTime, formatNumber } from "../format.ts";
import type { Language } from "../i18n/index.ts";

export interface ReportContext {
  t: Translate;
  lang: Language;
}

/** A changed field's value for display: times as dates, numbers with locale separators. */
function shownValue(field: string, v: unknown, c: ReportContext): string {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v === "number") return /start|end|analysedAt/.test(field) ? formatDateTime(v, c.lang, "UTC") : formatNumber(v, c.lang, 6);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function changeList(changes: Record<string, { old: unknown; new: unknown }>, c: ReportContext): HTMLElement {
  return h(
    "ul",
    { class: "lab-change-fields" },
    ...Object.entries(changes).map(([field, ch]) =>
      h("li", {}, h("span", { class: "lab-change-field" }, field), ": ", h("del", {}, shownValue(field, ch.old, c)), " → ", h("ins", {}, shownValue(field, ch.new, c))),
    ),
  );
}

function countsTable(report: LabImportReport, t: Translate): HTMLElement {
  const { samples, results } = report.counts;
  const cell = (n: number, kind: string) => h("td", { "data-count": kind }, String(n));
  return h(
    "table",
    { class: "data-table lab-counts", "data-testid": "lab-counts" },
    h("caption", { class: "sr-only" }, t("lab.report.counts")),
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}), ...(["added", "changed", "unchanged", "rejected"] as const).map((k) => h("th", { scope: "col" }, t(`lab.report.${k}` as MessageKey)))),
    ),
    h(
      "tbody",
      {},
      h("tr", { "data-row": "samples" }, h("th", { scope: "row" }, t("lab.report.samples")), cell(samples.added, "added"), cell(samples.changed, "changed"), cell(samples.unchanged, "unchanged"), h("td", {}, "–")),
      h(
        "tr",
        { "data-row": "results" },
        h("th", { scope: "row" }, t("lab.report.results")),
        cell(results.added, "added"),
        cell(results.changed, "changed"),
        cell(results.unchanged, "unchanged"),
        cell(results.rejected, "rejected"),
      ),
    ),
  );
}

export function labReport(report: LabImportReport, c: ReportContext): HTMLElement {
  const { t } = c;
  const f = report.file;
  const read = [
    f.format.toUpperCase(),
    f.encoding ? t("lab.report.encoding", { encoding: f.encoding }) : null,
    f.delimiter ? t("lab.report.delimiter", { delimiter: f.delimiter === "\t" ? "Tab" : f.delimiter }) : null,
    t("lab.report.rows", { rows: f.rows }),
  ].filter(Boolean);
  const columns = Object.entries(report.columns).map(([field, header]) => `${t(`lab.field.${field}` as MessageKey)} ← ${header}`);
  const truncated = (n: number, shown: number) => (n > shown ? h("p", { class: "muted" }, t("lab.report.truncated", { shown, total: n })) : null);
  const sampleLabel = (ch: LabResultChange | LabSampleChange) => `${ch.laboratory} · ${ch.sampleId}`;
  return h(
    "section",
    { class: "lab-report", "data-testid": "lab-report", "aria-labelledby": "lab-report-h" },
    h("h3", { id: "lab-report-h" }, report.dryRun ? t("lab.report.dryRunHeading", { file: f.name }) : t("lab.report.appliedHeading", { file: f.name })),
    h("p", { class: "muted" }, read.join(" · ")),
    countsTable(report, t),
    h("details", { class: "lab-columns" }, h("summary", {}, t("lab.report.columnsUsed", { n: columns.length })), h("p", {}, columns.join("; ")), report.ignoredColumns.length > 0 ? h("p", { class: "muted" }, t("lab.report.ignored", { columns: report.ignoredColumns.join(", ") })) : null),
    report.rejected.length > 0
      ? h(
          "div",
          { class: "lab-rejected", "data-testid": "lab-rejected" },
          h("h4", {}, t("lab.report.rejectedHeading", { n: report.counts.results.rejected })),
          h(
            "ul",
            {},
            ...report.rejected.map((r) =>
              h(
                "li",
                { "data-line": String(r.line) },
                h("strong", {}, t("lab.report.line", { line: r.line })),
                r.field ? ` (${t(`lab.field.${r.field}` as MessageKey)})` : "",
                `: ${r.reason}`,
                // The server's reason often names the closest matches already; say them only when it does not.
                r.suggestions && r.suggestions.some((x) => !r.reason.includes(x)) ? h("span", { class: "lab-suggestions" }, ` — ${t("lab.report.didYouMean", { suggestions: r.suggestions.join(", ") })}`) : null,
              ),
            ),
          ),
          truncated(report.counts.results.rejected, report.rejected.length),
        )
      : null,
    report.resultChanges.length > 0 || report.sampleChanges.length > 0
      ? h(
          "div",
          { class: "lab-changes", "data-testid": "lab-changes" },
          h("h4", {}, t("lab.report.changesHeading", { results: report.counts.results.changed, samples: report.counts.samples.changed })),
          h(
            "ul",
            {},
            ...report.sampleChanges.map((ch) => h("li", {}, h("strong", {}, `${t("lab.report.line", { line: ch.line })} · ${sampleLabel(ch)}`), changeList(ch.changes, c))),
            ...report.resultChanges.map((ch) => h("li", {}, h("strong", {}, `${t("lab.report.line", { line: ch.line })} · ${sampleLabel(ch)} · ${ch.parameter}`), changeList(ch.changes, c))),
          ),
          truncated(report.counts.results.changed, report.resultChanges.length),
        )
      : null,
  );
}
