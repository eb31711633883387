// Importing a lab file from the Lab results page: choose the file, its encoding and a column mapping
// (recognised automatically, a saved preset, or edited here and saved as a preset), run the dry run,
// read its report, then apply exactly what it showed — or, when rows were rejected, only the valid
// rows, after a warning that the others are left out. Nothing is stored before Apply.
import { LAB_FILE_COLUMNS_PATH, type LabImportReport, type LabMapping, type LabMappingInput, type LabMappingPreset } from "../../../common/lab.ts";
import { ApiError } from "../api.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import type { LabApi } from "../lab-api.ts";
import { mappingEditor, type MappingEditor } from "./lab-mapping-editor.ts";
import { labReport } from "./lab-report.ts";
import { errorText, notice } from "./notice.ts";

type Source = { kind: "auto" } | { kind: "preset"; preset: LabMappingPreset } | { kind: "mapping"; mapping: LabMappingInput };

export interface LabImportForm {
  element: HTMLElement;
}

export function labImportForm(ctx: AppContext, labApi: LabApi, onApplied: () => void): LabImportForm {
  const { t } = ctx;
  let file: File | null = null;
  let source: Source = { kind: "auto" };
  let presets: LabMappingPreset[] = [];
  let headers: string[] = [];
  let report: LabImportReport | null = null;
  let editor: MappingEditor | null = null;

  const status = notice(t);
  const fileInput = h("input", { type: "file", name: "lab-file", accept: ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
  const encoding = h("select", { name: "encoding" });
  for (const [v, key] of [["auto", "lab.import.encodingAuto"], ["utf-8", "lab.import.encodingUtf8"], ["gb18030", "lab.import.encodingGb18030"]] as const) encoding.append(h("option", { value: v }, t(key)));
  const mappingSelect = h("select", { name: "mapping" });
  const editToggle = h("button", { type: "button", class: "quiet", "data-testid": "lab-edit-mapping", onclick: () => toggleEditor() }, t("lab.import.editMapping"));
  const editorSlot = h("div", { class: "lab-editor-slot" });
  const dryRunButton = h("button", { type: "button", class: "primary", "data-testid": "lab-dry-run", disabled: true, onclick: () => void dryRun() }, t("lab.import.dryRun"));
  const reportSlot = h("div", { class: "lab-report-slot", "aria-live": "polite" });

  fileInput.addEventListener("change", () => {
    file = fileInput.files?.[0] ?? null;
    report = null;
    headers = [];
    reportSlot.replaceChildren();
    status.clear();
    dryRunButton.disabled = file === null;
  });
  mappingSelect.addEventListener("change", () => {
    const v = mappingSelect.value;
    const preset = presets.find((p) => String(p.id) === v);
    source = preset ? { kind: "preset", preset } : v === "own" && source.kind === "mapping" ? source : { kind: "auto" };
    if (editor) openEditor();
  });

  function currentMapping(): LabMappingInput {
    if (source.kind === "preset") return source.preset.mapping;
    if (source.kind === "mapping") return source.mapping;
    return {};
  }

  function renderMappingChoices(): void {
    const chosen = source.kind === "preset" ? String(source.preset.id) : source.kind === "mapping" ? "own" : "auto";
    mappingSelect.replaceChildren(h("option", { value: "auto", selected: chosen === "auto" }, t("lab.import.mappingAuto")));
    for (const p of presets) mappingSelect.append(h("option", { value: String(p.id), selected: chosen === String(p.id) }, t("lab.import.mappingPreset", { name: p.name })));
    if (source.kind === "mapping") mappingSelect.append(h("option", { value: "own", selected: true }, t("lab.import.mappingOwn")));
  }

  function toggleEditor(): void {
    if (editor) {
      editor = null;
      editorSlot.replaceChildren();
      editToggle.setAttribute("aria-expanded", "false");
      return;
    }
    openEditor();
  }

  function openEditor(): void {
    editor = mappingEditor(t, headers, currentMapping(), report?.columns);
    const presetName = h("input", { type: "text", name: "preset-name", maxlength: 100, placeholder: t("lab.import.presetNamePlaceholder"), value: source.kind === "preset" ? source.preset.name : "" });
    const saved = notice(t);
    const use = () => {
      source = { kind: "mapping", mapping: editor!.mapping() };
      renderMappingChoices();
    };
    editorSlot.replaceChildren(
      editor.element,
      h(
        "div",
        { class: "lab-editor-actions" },
        h("button", { type: "button", "data-testid": "lab-use-mapping", onclick: () => (use(), void dryRun()) }, t("lab.import.useMapping")),
        h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("lab.import.presetName")), presetName),
        h(
          "button",
          {
            type: "button",
            "data-testid": "lab-save-preset",
            onclick: async () => {
              const name = presetName.value.trim();
              if (!name) return saved.error(t("lab.import.presetNameMissing"));
              try {
                const existing = presets.find((p) => p.name === name);
                const preset = await labApi.savePreset(name, editor!.mapping(), existing);
                presets = [...presets.filter((p) => p.id !== preset.id), preset].sort((a, b) => a.name.localeCompare(b.name));
                source = { kind: "preset", preset };
                renderMappingChoices();
                saved.ok(t(existing ? "lab.import.presetUpdated" : "lab.import.presetSaved", { name }));
              } catch (err) {
                saved.failed(err);
              }
            },
          },
          t("lab.import.savePreset"),
        ),
        saved.element,
      ),
    );
    editToggle.setAttribute("aria-expanded", "true");
  }

  function uploadOptions(): { preset?: string; mapping?: LabMappingInput; encoding: LabMapping["encoding"] } {
    const enc = encoding.value as LabMapping["encoding"];
    if (source.kind === "preset") return { preset: source.preset.name, encoding: enc };
    if (source.kind === "mapping") return { mapping: source.mapping, encoding: enc };
    return { encoding: enc };
  }

  async function dryRun(): Promise<void> {
    if (!file) return;
    status.clear();
    reportSlot.replaceChildren(h("p", { class: "state-loading", role: "status" }, t("lab.import.checking")));
    dryRunButton.disabled = true;
    try {
      report = await labApi.upload(file, uploadOptions());
      headers = [...new Set([...Object.values(report.columns), ...report.ignoredColumns])];
      showReport(report);
      if (editor) openEditor();
    } catch (err) {
      report = null;
      reportSlot.replaceChildren();
      const columns = err instanceof ApiError ? err.details.filter((d) => d.path === LAB_FILE_COLUMNS_PATH).map((d) => d.message) : [];
      if (columns.length > 0) {
        // The file could not be read as it is: offer its columns in the mapping editor.
        headers = columns;
        status.error(t("lab.import.needsMapping", { error: errorText(err) }));
        openEditor();
      } else status.failed(err);
    } finally {
      dryRunButton.disabled = file === null;
    }
  }

  function showReport(r: LabImportReport): void {
    const { added, changed, rejected } = r.counts.results;
    const samples = r.counts.samples;
    const nothing = added + changed + samples.added + samples.changed === 0;
    const onlyValid = h("input", { type: "checkbox", name: "only-valid", "data-testid": "lab-only-valid" });
    const note = h("input", { type: "text", name: "note", maxlength: 500, placeholder: t("lab.import.notePlaceholder") });
    const apply = h("button", { type: "button", class: "primary", "data-testid": "lab-apply", disabled: nothing || r.needsOnlyValid, onclick: () => void applyIt() }, t("lab.import.apply"));
    onlyValid.addEventListener("change", () => (apply.disabled = nothing || !onlyValid.checked));
    const applyStatus = notice(t);
    async function applyIt(): Promise<void> {
      if (!file) return;
      apply.disabled = true;
      try {
        const done = await labApi.upload(file, { ...uploadOptions(), previewToken: r.previewToken, onlyValid: onlyValid.checked, note: note.value.trim() || undefined });
        const info = done.import!;
        reportSlot.replaceChildren(labReport(done, ctx));
        status.ok(t("lab.import.applied", { id: info.id, added: info.counts.results.added, changed: info.counts.results.changed }));
        onApplied();
      } catch (err) {
        apply.disabled = false;
        applyStatus.error(err instanceof ApiError && err.status === 409 ? t("lab.import.stale", { error: err.message }) : t("action.failed", { error: errorText(err) }));
      }
    }
    reportSlot.replaceChildren(
      labReport(r, ctx),
      h(
        "div",
        { class: "lab-apply" },
        nothing ? h("p", { class: "muted", "data-testid": "lab-nothing" }, t("lab.import.nothingNew")) : null,
        r.needsOnlyValid
          ? h(
              "div",
              { class: "lab-warning", role: "note" },
              h("p", {}, t("lab.import.rejectedWarning", { rejected, valid: added + changed + r.counts.results.unchanged })),
              h("label", { class: "check" }, onlyValid, ` ${t("lab.import.onlyValid", { n: added + changed })}`),
            )
          : null,
        h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("lab.import.note")), note),
        apply,
        applyStatus.element,
      ),
    );
  }

  void labApi.presets().then(
    (list) => {
      presets = list;
      renderMappingChoices();
    },
    () => renderMappingChoices(),
  );
  renderMappingChoices();

  const element = h(
    "section",
    { class: "lab-import", "aria-labelledby": "lab-import-h" },
    h("h2", { id: "lab-import-h" }, t("lab.import.heading")),
    h("p", { class: "muted" }, t("lab.import.intro")),
    h(
      "div",
      { class: "control-row lab-import-controls" },
      h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("lab.import.file")), fileInput),
      h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("lab.import.encoding")), encoding),
      h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("lab.import.mapping")), mappingSelect),
      editToggle,
      dryRunButton,
    ),
    status.element,
    editorSlot,
    reportSlot,
  );
  return { element };
}
