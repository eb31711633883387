// The import history of the Lab results page: every applied import (file, who, when, counts) and, for
// the importer or an admin, Undo — after a confirmation that previews what the undo would retract
// and which earlier values it would restore (the server's undo preview, refused the same way).
import { listZone } from "../state.ts";
import type { LabImportInfo, LabUndoPreview } from "../../../common/lab.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { formatDateTime } from "../format.ts";
import type { LabApi } from "../lab-api.ts";
import { dataTable } from "./data-table.ts";
import { labValueText } from "./lab-text.ts";
import { errorText, loadError, notice } from "./notice.ts";

export interface LabHistory {
  element: HTMLElement;
  refresh(): Promise<void>;
  /** The page went away: late answers are not rendered. */
  destroy(): void;
}

export function labHistory(ctx: AppContext, labApi: LabApi): LabHistory {
  const { t } = ctx;
  const list = h("div", { class: "lab-history-list" });
  const confirmSlot = h("div", { class: "lab-undo-slot" });
  const status = notice(t);
  const me = ctx.session.user?.username;
  const mayUndo = (imp: LabImportInfo) => imp.undoneAt === null && (imp.importedBy === me || ctx.session.role === "admin");
  const zone = listZone(ctx.p.zone);
  let alive = true;

  async function refresh(): Promise<void> {
    try {
      const imports = await labApi.imports();
      if (alive) render(imports);
    } catch (err) {
      if (alive) list.replaceChildren(loadError(t, err));
    }
  }

  function render(imports: LabImportInfo[]): void {
    const rows = imports.map((imp) => {
      const r = imp.counts.results;
      const state =
        imp.undoneAt === null
          ? t("lab.history.inForce")
          : t("lab.history.undone", { by: imp.undoneBy ?? "?", time: formatDateTime(imp.undoneAt, ctx.lang, zone), reason: imp.undoReason ?? "–" });
      return {
        attrs: { "data-import": String(imp.id), "data-undone": imp.undoneAt === null ? "false" : "true" },
        cells: [
          `#${imp.id}`,
          h("span", { title: `SHA-256 ${imp.sha256}` }, imp.fileName),
          imp.importedBy,
          formatDateTime(imp.importedAt, ctx.lang, zone),
          t("lab.history.counts", { added: r.added, changed: r.changed, unchanged: r.unchanged, rejected: r.rejected }),
          imp.note ?? "",
          state,
          mayUndo(imp) ? h("button", { type: "button", class: "quiet", "data-testid": "lab-undo", onclick: () => void confirmUndo(imp) }, t("lab.history.undo")) : "",
        ],
      };
    });
    list.replaceChildren(
      dataTable(
        t("lab.history.heading"),
        [t("lab.history.id"), t("lab.history.file"), t("lab.history.by"), t("lab.history.when"), t("lab.history.results"), t("lab.history.note"), t("lab.history.state"), ""],
        rows,
        t("lab.history.empty"),
      ),
    );
  }

  async function confirmUndo(imp: LabImportInfo): Promise<void> {
    status.clear();
    confirmSlot.replaceChildren(h("p", { class: "state-loading", role: "status" }, t("state.loading")));
    let preview: LabUndoPreview;
    try {
      preview = await labApi.undoPreview(imp.id);
    } catch (err) {
      confirmSlot.replaceChildren();
      status.error(t("lab.history.cannotUndo", { id: imp.id, error: errorText(err) }));
      return;
    }
    const reason = h("input", { type: "text", name: "undo-reason", maxlength: 500, placeholder: t("lab.history.reasonPlaceholder") });
    const textContext = { t, lang: ctx.lang, zone, unit: ctx.p.unit };
    const rows = preview.results.map((r) => ({
      cells: [
        `${r.laboratory} · ${r.sampleId}`,
        ctx.catalog.stationName(r.station, ctx.lang),
        ctx.catalog.parameterName(r.parameter, ctx.lang),
        labValueText({ ...r.current, unit: r.unit }, textContext),
        r.after === null ? h("em", {}, t("lab.history.retracted")) : labValueText({ ...r.after, unit: r.unit }, textContext),
      ],
    }));
    const total = preview.retracted.results + preview.restored.results;
    confirmSlot.replaceChildren(
      h(
        "div",
        { class: "lab-undo-confirm", role: "group", "aria-labelledby": "lab-undo-h", "data-testid": "lab-undo-confirm" },
        h("h3", { id: "lab-undo-h" }, t("lab.history.confirmHeading", { id: imp.id, file: imp.fileName })),
        h("p", {}, t("lab.history.confirmText", { retracted: preview.retracted.results, samples: preview.retracted.samples, restored: preview.restored.results })),
        dataTable(t("lab.history.previewCaption"), [t("lab.history.sample"), t("lab.history.station"), t("lab.history.compound"), t("lab.history.now"), t("lab.history.after")], rows, t("lab.history.nothing")),
        total > preview.results.length ? h("p", { class: "muted" }, t("lab.report.truncated", { shown: preview.results.length, total })) : null,
        h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("lab.history.reason")), reason),
        h(
          "div",
          { class: "lab-undo-actions" },
          h(
            "button",
            {
              type: "button",
              class: "danger",
              "data-testid": "lab-undo-confirm-button",
              onclick: async (e: Event) => {
                const button = e.currentTarget as HTMLButtonElement;
                button.disabled = true;
                try {
                  const done = await labApi.undo(imp.id, reason.value.trim());
                  confirmSlot.replaceChildren();
                  status.ok(t("lab.history.undoneOk", { id: imp.id, retracted: done.retracted.results, restored: done.restored.results }));
                  await refresh();
                } catch (err) {
                  button.disabled = false;
                  status.failed(err);
                }
              },
            },
            t("lab.history.confirmUndo"),
          ),
          h("button", { type: "button", onclick: () => confirmSlot.replaceChildren() }, t("lab.history.cancel")),
        ),
      ),
    );
  }

  const element = h(
    "section",
    { class: "lab-history", "aria-labelledby": "lab-history-h" },
    h("h2", { id: "lab-history-h" }, t("lab.history.heading")),
    status.element,
    confirmSlot,
    list,
  );
  void refresh();
  return {
    element,
    refresh,
    destroy: () => {
      alive = false;
    },
  };
}
