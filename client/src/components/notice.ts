// A one-line outcome message under a form: success is announced politely, errors assertively.
// Text only (textContent), so server messages that echo user input stay inert.
import { h } from "../dom.ts";

export interface Notice {
  element: HTMLElement;
  ok(text: string): void;
  error(text: string): void;
  clear(): void;
}

export function notice(): Notice {
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
    clear: () => {
      element.hidden = true;
      element.textContent = "";
    },
  };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
