// What the catalog's admin pages share: a section with its intro and "New …" button, and the one
// way a change is run (clear the notice, call the API, say what happened, reload the catalog).
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import type { Notice } from "./notice.ts";

type Child = Node | string | null | undefined;

/** The section of an admin catalog page: intro and "New …" on one bar, then the page's parts. */
export function catalogSection(section: string, intro: string, create: { label: string; action: string; onclick: () => void }, ...children: Child[]): HTMLElement {
  return h(
    "section",
    { class: "admin-section", "data-section": section },
    h("div", { class: "section-bar" }, h("p", { class: "muted" }, intro), h("button", { type: "button", class: "primary", "data-action": create.action, onclick: create.onclick }, create.label)),
    ...children,
  );
}

/**
 * Runs a catalog change: on success the form slot (if any) is emptied, `ok` is announced and the
 * catalog reloaded (the page redraws with it); on failure the server's message is shown.
 */
export function catalogChange(ctx: Pick<AppContext, "reloadCatalog">, status: Notice, formSlot?: HTMLElement) {
  return async (what: () => Promise<unknown>, ok: string): Promise<void> => {
    status.clear();
    try {
      await what();
      formSlot?.replaceChildren();
      status.ok(ok);
      await ctx.reloadCatalog();
    } catch (err) {
      status.failed(err);
    }
  };
}
