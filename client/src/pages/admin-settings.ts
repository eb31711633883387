// Admin → Settings: the public-dashboard switch (run-time setting, stored by the server).
import { errorText, notice } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";

export function adminSettingsPage(ctx: AppContext): Page {
  const { t, auth } = ctx;
  let destroyed = false;
  const status = notice(t);
  const toggle = h("input", { type: "checkbox", role: "switch", name: "publicDashboard", disabled: true, "data-testid": "public-dashboard" });
  toggle.addEventListener("change", async () => {
    const wanted = toggle.checked;
    toggle.disabled = true;
    status.clear();
    try {
      const saved = await auth.updateSettings({ publicDashboard: wanted });
      toggle.checked = saved.publicDashboard;
      status.ok(saved.publicDashboard ? t("adminSettings.savedOn") : t("adminSettings.savedOff"));
    } catch (err) {
      toggle.checked = !wanted;
      status.failed(err);
    } finally {
      toggle.disabled = false;
    }
  });

  void auth
    .settings()
    .then((s) => {
      if (destroyed) return;
      toggle.checked = s.publicDashboard;
      toggle.disabled = false;
    })
    .catch((err: unknown) => !destroyed && status.error(t("state.error", { error: errorText(err) })));

  const element = h(
    "section",
    { class: "admin-section", "data-section": "settings" },
    h(
      "section",
      { class: "admin-card" },
      h("label", { class: "switch" }, toggle, h("span", { class: "switch-track", "aria-hidden": "true" }), h("strong", {}, t("adminSettings.publicDashboard"))),
      h("p", { class: "muted" }, t("adminSettings.publicHint")),
      status.element,
    ),
  );
  return { element, stations: [], destroy: () => (destroyed = true) };
}
