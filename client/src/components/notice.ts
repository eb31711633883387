// A one-line outcome message under a form: success is announced politely, errors assertively.
// Text only (textContent), so server messages that echo user input stay inert.
import { h } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";

export interface Notice {
  element: HTMLElement;
  ok(text: string): void;
  error(text: string): void;
  /** "Failed: <reason>" for an action that threw. */
  failed(err: unknown): void;
  clear(): void;
}

export function notice(t: Translate): Notice {
  const element = h("p", { class: "notice", hidden: true, "data-testid": "notice" });
  const show = (kind: "ok" | "error", text: string) => {
    element.hidden = false;
    element.dataset.kind = kind;
    element.setAttribute("role", kind === "error" ? "alert" : "status");
    element.textContent = text;
  };
  return {
    element,
    ok: (text) => show("ok", text),
    error: (text) => show("error", text),
    failed: (err) => show("error", t("action.failed", { error: errorText(err) })),
    clear: () => {
      element.hidden = true;
      element.textContent = "";
    },
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What stands where a list or panel could not be loaded, saying why. */
export function loadError(t: Translate, err: unknown): HTMLElement {
  return h("p", { class: "state-error", role: "alert" }, t("state.error", { error: errorText(err) }));
}

/** `loadError` with a Retry button that runs `retry`. */
export function retryError(t: Translate, err: unknown, retry: () => void): HTMLElement {
  return h("div", { class: "state-error", role: "alert" }, t("state.error", { error: errorText(err) }), " ", h("button", { type: "button", onclick: retry }, t("state.retry")));
}

/**
 * Fetches and renders, unless the page is gone by then (`stale`); a failure replaces what `into`
 * shows with `loadError`.
 */
export async function loadInto<T>(into: HTMLElement, t: Translate, fetch: () => Promise<T>, render: (data: T) => void, stale: () => boolean): Promise<void> {
  try {
    const data = await fetch();
    if (!stale()) render(data);
  } catch (err) {
    if (!stale()) into.replaceChildren(loadError(t, err));
  }
}
