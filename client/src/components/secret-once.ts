// A freshly created secret (API or station token), shown once: read-only field, copy button and a
// warning that it cannot be shown again. Removed when the user confirms they stored it.
import { h } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";

export function secretOnce(label: string, secret: string, t: Translate, onDone: () => void): HTMLElement {
  const field = h("input", {
    type: "text",
    class: "secret-value",
    readonly: true,
    spellcheck: "false",
    autocomplete: "off",
    "aria-label": t("secret.heading", { label }),
    "data-testid": "secret-value",
  });
  field.value = secret;
  const status = h("p", { class: "secret-status", role: "status" });
  const copy = async () => {
    field.focus();
    field.select();
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = t("secret.copied");
    } catch {
      // No clipboard permission (e.g. plain HTTP on another host): the text is selected instead.
      status.textContent = t("secret.copyFailed");
    }
  };
  const element = h(
    "section",
    { class: "secret-once", role: "region", "aria-label": t("secret.heading", { label }), "data-testid": "secret-once" },
    h("h3", {}, t("secret.heading", { label })),
    h("p", { class: "secret-warning" }, h("span", { "aria-hidden": "true" }, "⚠ "), t("secret.warning")),
    h(
      "div",
      { class: "secret-row" },
      field,
      h("button", { type: "button", onclick: () => void copy(), "data-testid": "secret-copy" }, t("secret.copy")),
    ),
    status,
    h("button", { type: "button", class: "secret-done", onclick: () => (element.remove(), onDone()) }, t("secret.done")),
  );
  return element;
}
