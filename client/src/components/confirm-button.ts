// A button for irreversible actions (delete, revoke): the first click arms it, a second click
// within a few seconds runs the action. No window.confirm, so it works the same everywhere.
import { h } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";

const ARMED_MS = 4_000;

export function confirmButton(label: string, t: Translate, action: () => Promise<void> | void, attrs: Record<string, string> = {}): HTMLButtonElement {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const disarm = () => {
    clearTimeout(timer);
    button.dataset.armed = "false";
    button.textContent = label;
  };
  const button = h(
    "button",
    {
      type: "button",
      class: "danger",
      "data-armed": "false",
      ...attrs,
      onclick: async () => {
        if (button.dataset.armed !== "true") {
          button.dataset.armed = "true";
          button.textContent = t("action.confirm");
          timer = setTimeout(disarm, ARMED_MS);
          return;
        }
        disarm();
        button.disabled = true;
        try {
          await action();
        } finally {
          button.disabled = false;
        }
      },
    },
    label,
  );
  return button;
}
