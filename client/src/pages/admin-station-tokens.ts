// Admin → Station tokens: create a write token for chosen stations (shown once), list by prefix,
// revoke.
import { ALL_STATIONS, type StationTokenInfo } from "../auth-api.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { dataTable, timeCell, tokenState, zoneHeader } from "../components/data-table.ts";
import { loadInto, notice } from "../components/notice.ts";
import { secretOnce } from "../components/secret-once.ts";
import { stationName as localStationName, type AppContext, type Page } from "../context.ts";
import { checkPicker } from "../components/check-picker.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";

export function adminStationTokensPage(ctx: AppContext): Page {
  const { t, auth } = ctx;
  let destroyed = false;
  const status = notice(t);
  const secretSlot = h("div", { class: "secret-slot" });
  const list = h("div", { "data-testid": "station-tokens" }, h("p", { class: "state-loading" }, t("state.loading")));

  const label = h("input", { name: "label", required: true, maxlength: 100, autocomplete: "off" });
  const all = h("input", { type: "checkbox", name: "all-stations", value: ALL_STATIONS });
  const picker = checkPicker(ctx, {
    name: "station",
    legend: t("stationTokens.stations"),
    items: ctx.catalog.stations.map((s) => ({ value: s.id, label: `${localStationName(ctx, s.id)} (${s.id})`, station: s.id })),
    selected: [],
  });
  all.addEventListener("change", () => (picker.element.hidden = all.checked));
  const stationName = new Map(ctx.catalog.stations.map((s) => [s.id, localStationName(ctx, s.id)]));

  const form = h(
    "form",
    {
      class: "stack-form",
      "data-testid": "station-token-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.clear();
        const stations = all.checked ? [ALL_STATIONS] : picker.values();
        if (stations.length === 0) return status.error(t("stationTokens.pickStation"));
        try {
          const created = await auth.createStationToken({ label: label.value.trim(), stations });
          secretSlot.replaceChildren(secretOnce(created.label, created.token, t, () => secretSlot.replaceChildren()));
          label.value = "";
          await load();
        } catch (err) {
          status.failed(err);
        }
      },
    },
    h("label", { class: "field" }, h("span", {}, t("token.label")), label),
    h("label", { class: "check check-all" }, all, ` ${t("stationTokens.all")}`),
    picker.element,
    h("div", {}, h("button", { type: "submit", class: "primary" }, t("stationTokens.create"))),
  );

  function render(tokens: StationTokenInfo[]): void {
    const rows = [...tokens].reverse().map((tok) => {
      const state = tokenState(tok);
      const stations = tok.stations.includes(ALL_STATIONS) ? t("stationTokens.all") : tok.stations.map((id) => stationName.get(id) ?? id).join(", ");
      return {
        attrs: { "data-token-id": String(tok.id), "data-state": state },
        cells: [
          h("span", { class: "token-label" }, tok.label),
          h("code", {}, `wmst_${tok.prefix}_…`),
          stations,
          timeCell(tok.createdAt, ctx.lang, ctx.p.zone),
          h("span", { class: `token-state token-${state}` }, t(`token.${state}` as MessageKey)),
          state === "active"
            ? confirmButton(t("token.revoke"), t, async () => {
                try {
                  await auth.revokeStationToken(tok.id);
                  status.ok(t("token.revokeDone", { label: tok.label }));
                } catch (err) {
                  status.failed(err);
                }
                await load();
              })
            : null,
        ],
      };
    });
    const headers = [t("token.label"), t("token.prefix"), t("stationTokens.stations"), zoneHeader(t, t("token.created"), ctx.p.zone), t("token.status"), t("token.actions")];
    list.replaceChildren(dataTable(t("admin.stationTokens"), headers, rows, t("stationTokens.none")));
  }

  const load = (): Promise<void> => loadInto(list, t, () => auth.stationTokens(), render, () => destroyed);

  const element = h(
    "section",
    { class: "admin-section", "data-section": "station-tokens" },
    h("section", { class: "admin-card" }, h("h2", {}, t("stationTokens.create")), h("p", { class: "muted" }, t("stationTokens.intro")), form, status.element, secretSlot),
    list,
  );
  void load();
  return { element, stations: [], destroy: () => (destroyed = true) };
}
