// The export dialog: a modal <dialog> (focus stays inside, Esc closes) with the choices, a size
// estimate refreshed as they change (debounced, earlier requests aborted), and the download with
// progress and a Cancel button. Closing the dialog cancels a running export. Text only
// (textContent) for everything the server sends back.
import { ApiError } from "../api.ts";
import type { AppContext } from "../context.ts";
import { h, uid } from "../dom.ts";
import { saveFile, type ExportApi, type ExportChoices, type ExportEstimate } from "../export-api.ts";
import { exportForm } from "./export-form.ts";
import { estimateText, exportErrorText, isAbort, progressText, savedText } from "./export-text.ts";
import "../export.css";

const ESTIMATE_DEBOUNCE_MS = 300;
/** Refusals that a retry with the same choices and session cannot overcome. */
const FINAL_STATUSES = new Set([400, 401, 403]);

export interface ExportDialogOptions {
  ctx: AppContext;
  exportApi: ExportApi;
  initial: ExportChoices;
  /** Zone the range inputs are shown in (the page's), undefined for the browser's own. */
  zone: string | undefined;
  /** Gets the focus back when the dialog closes. */
  opener: HTMLElement;
  /** After closing; `sessionEnded`: the server answered 401, the page should ask who is logged in. */
  onClosed(sessionEnded: boolean): void;
}

export interface ExportDialog {
  element: HTMLDialogElement;
  /** Closes (cancelling a running export) without telling onClosed: the page is going away. */
  dispose(): void;
}

export function openExportDialog(options: ExportDialogOptions): ExportDialog {
  const { ctx, exportApi } = options;
  const { t, locale } = ctx;
  const headingId = uid("export-h");
  let estimate: ExportEstimate | undefined;
  let estimateBlocked = false;
  let estimateTimer: ReturnType<typeof setTimeout> | undefined;
  let estimating: AbortController | undefined;
  let downloading: AbortController | undefined;
  let sessionEnded = false;
  let notify = true;

  const form = exportForm(ctx, options.initial, options.zone, () => scheduleEstimate());
  const estimateEl = h("p", { class: "export-estimate", role: "status", "data-testid": "export-estimate" });
  const progress = h("progress", { class: "export-progress", "aria-label": t("export.progressLabel") });
  const progressLabel = h("span", { class: "export-progress-text", "data-testid": "export-progress" });
  const progressRow = h("div", { class: "export-progress-row", hidden: true }, progress, progressLabel);
  const result = h("p", { class: "notice", hidden: true, "data-testid": "export-result" });
  const download = h("button", { type: "button", class: "primary", "data-testid": "export-download", onclick: () => void start() }, t("export.download"));
  const cancel = h("button", { type: "button", hidden: true, "data-testid": "export-cancel", onclick: () => downloading?.abort() }, t("export.cancel"));
  const close = h("button", { type: "button", class: "quiet", "data-testid": "export-close", onclick: () => element.close() }, t("export.close"));

  const element = h(
    "dialog",
    { class: "export-dialog", "aria-labelledby": headingId, "data-testid": "export-dialog" },
    h(
      "form",
      { method: "dialog", class: "export-form", onsubmit: (e: Event) => e.preventDefault() },
      h("h2", { id: headingId }, t("export.heading")),
      h("p", { class: "muted export-intro" }, t("export.intro")),
      form.element,
      estimateEl,
      progressRow,
      result,
      h("div", { class: "export-actions" }, download, cancel, close),
    ),
  );

  function showResult(kind: "ok" | "error", text: string): void {
    result.hidden = false;
    result.dataset.kind = kind;
    result.setAttribute("role", kind === "error" ? "alert" : "status");
    result.textContent = text;
  }

  function refreshButtons(): void {
    const busy = downloading !== undefined;
    download.hidden = busy;
    download.disabled = busy || form.problem() !== null || estimateBlocked || sessionEnded;
    cancel.hidden = !busy;
    form.element.disabled = busy;
  }

  function noteRefusal(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) sessionEnded = true;
  }

  function scheduleEstimate(): void {
    clearTimeout(estimateTimer);
    estimating?.abort();
    estimate = undefined;
    estimateBlocked = false;
    // The last download's outcome was about other choices.
    progressRow.hidden = true;
    result.hidden = true;
    const problem = form.problem();
    estimateEl.dataset.state = problem ? "invalid" : "loading";
    estimateEl.textContent = t(problem ?? "export.estimating");
    refreshButtons();
    if (!problem) estimateTimer = setTimeout(() => void runEstimate(), ESTIMATE_DEBOUNCE_MS);
  }

  async function runEstimate(): Promise<void> {
    const controller = new AbortController();
    estimating = controller;
    const choices = form.choices();
    try {
      const e = await exportApi.estimate(choices, controller.signal);
      if (estimating !== controller) return;
      estimate = e;
      estimateEl.dataset.state = "ready";
      estimateEl.dataset.rows = String(e.rows);
      estimateEl.textContent = estimateText(e, choices.metadata, t, locale);
    } catch (err) {
      if (estimating !== controller || isAbort(err)) return;
      noteRefusal(err);
      estimateBlocked = err instanceof ApiError && FINAL_STATUSES.has(err.status);
      estimateEl.dataset.state = "error";
      estimateEl.textContent = exportErrorText(err, t);
    } finally {
      if (estimating === controller) estimating = undefined;
      refreshButtons();
    }
  }

  async function start(): Promise<void> {
    if (downloading || form.problem()) return;
    const controller = new AbortController();
    downloading = controller;
    const choices = form.choices();
    // Only the plain data file can be measured against the estimate; a zip is compressed.
    const expected = estimate && !choices.metadata && estimate.bytes > 0 ? estimate.bytes : undefined;
    result.hidden = true;
    progressRow.hidden = false;
    progress.removeAttribute("value");
    if (expected) progress.max = expected;
    progressLabel.textContent = progressText({ bytes: 0, rows: null }, t, locale);
    refreshButtons();
    cancel.focus();
    try {
      const file = await exportApi.download(choices, controller.signal, (p) => {
        // The estimate is approximate: never show the bar full before the end.
        if (expected) progress.value = Math.min(p.bytes, expected * 0.99);
        progressLabel.textContent = progressText(p, t, locale);
      });
      progress.max = 1;
      progress.value = 1;
      progressLabel.textContent = progressText(file, t, locale);
      saveFile(file.blob, file.fileName);
      element.dataset.file = file.fileName;
      showResult("ok", savedText(file.fileName, file, t, locale));
    } catch (err) {
      progressRow.hidden = true;
      if (isAbort(err)) showResult("ok", t("export.cancelled"));
      else {
        noteRefusal(err);
        showResult("error", exportErrorText(err, t));
      }
    } finally {
      downloading = undefined;
      refreshButtons();
      if (element.open && document.activeElement === document.body) download.focus();
    }
  }

  element.addEventListener("close", () => {
    clearTimeout(estimateTimer);
    estimating?.abort();
    downloading?.abort();
    element.remove();
    if (!notify) return;
    if (options.opener.isConnected) options.opener.focus();
    options.onClosed(sessionEnded);
  });

  document.body.append(element);
  element.showModal();
  form.firstControl()?.focus();
  scheduleEstimate();

  return {
    element,
    dispose() {
      notify = false;
      if (element.open) element.close();
      else element.remove();
    },
  };
}
