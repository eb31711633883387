// "Export data…" on the station and compare pages. Researchers and admins get the export dialog,
// pre-filled with what the page shows; viewers and anonymous visitors get the button greyed out
// with the reason next to it (and a way to log in), since the server would refuse them (401/403).
import { roleAtLeast } from "../auth-api.ts";
import type { AppContext } from "../context.ts";
import { h, uid } from "../dom.ts";
import { ExportApi, type ExportChoices, type ExportTimeZone } from "../export-api.ts";
import { loginHref } from "../router.ts";
import { openExportDialog, type ExportDialog } from "./export-dialog.ts";

/** What the page shows, to start the dialog with. */
export interface ExportSelection {
  stations: string[];
  parameters: string[];
  from: number;
  to: number;
  /** Zone the page shows times in (undefined: the browser's own). */
  zone: string | undefined;
}

export interface ExportEntry {
  element: HTMLElement;
  destroy(): void;
}

export function exportButton(ctx: AppContext, selection: () => ExportSelection): ExportEntry {
  const { t, session } = ctx;
  const element = h("div", { class: "export-entry", "data-testid": "export-entry" });

  if (!roleAtLeast(session.role, "researcher")) {
    const noteId = uid("export-note");
    const anonymous = session.user === null;
    element.dataset.state = anonymous ? "needs-login" : "needs-researcher";
    // aria-disabled rather than disabled: it stays focusable, so the reason is read out with it.
    element.append(
      h("button", { type: "button", class: "export-open", "aria-disabled": "true", "aria-describedby": noteId, "data-testid": "export-open" }, t("export.open")),
      h(
        "span",
        { id: noteId, class: "export-note muted", "data-testid": "export-note" },
        t(anonymous ? "export.needsLogin" : "export.needsResearcher"),
        anonymous && " ",
        anonymous && h("a", { href: loginHref(location.hash || "#/"), "data-testid": "export-login" }, t("session.login")),
      ),
    );
    return { element, destroy: () => undefined };
  }

  element.dataset.state = "ready";
  const exportApi = new ExportApi();
  let dialog: ExportDialog | undefined;
  const button = h(
    "button",
    { type: "button", class: "export-open", "aria-haspopup": "dialog", "data-testid": "export-open", onclick: () => open() },
    t("export.open"),
  );
  element.append(button);

  function open(): void {
    if (dialog) return;
    const s = selection();
    const tz: ExportTimeZone = ctx.p.zone === "station" ? "station" : "UTC";
    const initial: ExportChoices = {
      stations: s.stations,
      parameters: s.parameters,
      from: s.from,
      to: s.to,
      format: "csv",
      resolution: "raw",
      layout: "long",
      tz,
      qc: "all",
      metadata: false,
      bom: false,
      include: [],
    };
    dialog = openExportDialog({
      ctx,
      exportApi,
      initial,
      zone: s.zone,
      opener: button,
      onClosed: (sessionEnded) => {
        dialog = undefined;
        // The server no longer knows this browser's session: let the shell ask and re-render
        // (login page, or the page as an anonymous visitor with a way to log in).
        if (sessionEnded) ctx.api.onUnauthorized?.();
      },
    });
  }

  return {
    element,
    destroy() {
      dialog?.dispose();
      dialog = undefined;
    },
  };
}
