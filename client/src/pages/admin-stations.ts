// Admin → Stations: find stations (search, region, river, status; a page at a time), create and edit
// them (names in English, German and Chinese, river and kilometre, region, coordinates on a locator
// map, time zone, operator, official identifiers, target class, status, simulated), and retire one
// after seeing what retiring means. The server checks every change; its message names the field.
import { STATION_STATUSES, WATER_CLASSES, type Station, type StationStatus } from "../../../common/catalog-model.ts";
import type { StationRetirement } from "../../../common/api-types.ts";
import { localName } from "../../../common/standards.ts";
import { CatalogApi } from "../catalog-api.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { coordinateMap } from "../components/coordinate-map.ts";
import { dataTable } from "../components/data-table.ts";
import { checkbox, field, localizedInputs, numberInput, numberOrNull, selectInput, textArea, textInput, textOrUndefined, timeZoneInput } from "../components/form-fields.ts";
import { notice } from "../components/notice.ts";
import { catalogSection } from "../components/catalog-admin-kit.ts";
import { pager, stationFilterBar } from "../components/station-filter.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";
import { stationHref } from "../router.ts";
import { filterStations, NO_FILTER, paginate, type StationFilter } from "../station-list.ts";

const PAGE_SIZE = 50;

export function adminStationsPage(ctx: AppContext): Page {
  const { t } = ctx;
  const api = new CatalogApi(ctx.api);
  const view = { ...ctx };
  let filter: StationFilter = { ...NO_FILTER };
  let page = 0;
  const status = notice(t);
  const filterSlot = h("div");
  const listSlot = h("div", { "data-testid": "station-list" });
  const formSlot = h("div", { class: "admin-form-slot" });
  const name = (s: Station) => localName(s.name, ctx.lang);
  const statusText = (s: StationStatus) => t(`stationStatus.${s}` as MessageKey);

  function renderFilter(): void {
    filterSlot.replaceChildren(stationFilterBar(view, filter, (next) => ((filter = next), (page = 0), renderList())));
  }

  function renderList(): void {
    const { catalog } = view;
    if (catalog.stations.length === 0) {
      listSlot.replaceChildren(h("p", { class: "empty-state" }, t("stations.empty")));
      return;
    }
    const paged = paginate(filterStations(catalog, filter), page, PAGE_SIZE);
    page = paged.page;
    const rows = paged.items.map((s) => ({
      attrs: { "data-station": s.id, "data-status": s.status },
      cells: [
        h("a", { href: stationHref(s.id) }, name(s)),
        h("code", {}, s.id),
        `${localName(catalog.river(s.river)?.name ?? { en: s.river }, ctx.lang)}${s.riverKm === null ? "" : ` · km ${s.riverKm}`}`,
        localName(catalog.region(s.region)?.name ?? { en: s.region }, ctx.lang),
        h("span", { class: `station-status station-status-${s.status}` }, statusText(s.status), s.simulated ? h("span", { class: "muted" }, ` · ${t("stations.simulated")}`) : null),
        h(
          "div",
          { class: "row-actions" },
          h("button", { type: "button", "data-action": "edit", onclick: () => openForm(s) }, t("action.edit")),
          s.status === "retired" ? null : h("button", { type: "button", "data-action": "retire", onclick: () => void openRetire(s) }, t("stations.retire")),
        ),
      ],
    }));
    const headers = [t("form.name"), t("form.id"), t("form.river"), t("form.region"), t("form.status"), t("users.actions")];
    listSlot.replaceChildren(
      dataTable(t("admin.stations"), headers, rows, t("stations.noMatch")),
      pager(t, paged.page, paged.pages, paged.total, (p) => ((page = p), renderList())) ?? "",
    );
  }

  function openForm(existing?: Station): void {
    const { catalog } = view;
    status.clear();
    const s: Partial<Station> = existing ?? { status: "planned", simulated: false, identifiers: {}, targetClass: null, operator: null, riverKm: null, timezone: "Europe/Berlin" };
    const id = textInput("id", s.id, { required: true, pattern: "[A-Z0-9][A-Z0-9\\-]*", maxlength: 64, class: "mono" });
    const names = localizedInputs(t, "name", s.name);
    const river = selectInput("river", s.river ?? "", catalog.data.rivers.map((r) => [r.id, localName(r.name, ctx.lang)]));
    const riverKm = numberInput("riverKm", s.riverKm, { min: 0 });
    const region = selectInput("region", s.region ?? "", catalog.data.regions.map((r) => [r.id, localName(r.name, ctx.lang)]));
    const lat = numberInput("lat", s.lat, { min: -90, max: 90, required: true });
    const lon = numberInput("lon", s.lon, { min: -180, max: 180, required: true });
    const zone = timeZoneInput("timezone", s.timezone ?? "");
    const operator = selectInput("operator", s.operator ?? "", [["", t("form.none")], ...catalog.data.organisations.map((o) => [o.id, localName(o.name, ctx.lang)] as const)]);
    const idState = textInput("identifiers.state", s.identifiers?.state);
    const idWise = textInput("identifiers.wise", s.identifiers?.wise);
    const idCn = textInput("identifiers.cnSection", s.identifiers?.cnSection);
    const targetClass = selectInput("targetClass", s.targetClass ?? "", [["", t("form.none")], ...WATER_CLASSES.map((c) => [c, c] as const)]);
    const stationStatus = selectInput("status", s.status ?? "planned", STATION_STATUSES.filter((x) => x !== "retired" || existing).map((x) => [x, statusText(x)]));
    const simulated = checkbox("simulated", s.simulated ?? false, t("stations.simulatedLabel"));
    const note = textArea("note", s.note, { maxlength: 2000 });
    const others = catalog.stations.filter((o) => o.id !== s.id && (!s.region || o.region === s.region));
    const measures = catalog.parameters.map((p) => checkbox("simulatedSensors", false, localName(p.name, ctx.lang), { value: p.code }));
    const simulatedSensors = h(
      "fieldset",
      { class: "check-list sim-parameters", hidden: !simulated.input.checked },
      h("legend", {}, t("stations.simulatedSensors")),
      ...measures.map((m) => m.element),
    );
    simulated.input.addEventListener("change", () => (simulatedSensors.hidden = !simulated.input.checked || Boolean(existing)));
    if (existing) simulatedSensors.hidden = true;

    const form = h(
      "form",
      {
        class: "admin-card catalog-form",
        "data-testid": "station-form",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          status.clear();
          const zoneValue = (zone.querySelector("input") as HTMLInputElement).value.trim();
          const identifiers: Station["identifiers"] = {};
          for (const [key, input] of [["state", idState], ["wise", idWise], ["cnSection", idCn]] as const) {
            const v = textOrUndefined(input);
            if (v) identifiers[key] = v;
          }
          const station: Station = {
            id: id.value.trim(),
            name: names.value(),
            river: river.value,
            riverKm: numberOrNull(riverKm),
            region: region.value,
            lat: Number(lat.value),
            lon: Number(lon.value),
            timezone: zoneValue,
            operator: operator.value || null,
            identifiers,
            targetClass: (targetClass.value || null) as Station["targetClass"],
            status: stationStatus.value as StationStatus,
            simulated: simulated.input.checked,
            ...(textOrUndefined(note) ? { note: textOrUndefined(note) } : {}),
          };
          try {
            if (existing) {
              await api.updateStation(existing.id, { ...station, note: station.note ?? null });
            } else {
              await api.createStation(station, simulated.input.checked ? measures.filter((m) => m.input.checked).map((m) => m.input.value) : []);
            }
            formSlot.replaceChildren();
            status.ok(t(existing ? "stations.savedOk" : "stations.createdOk", { name: station.name.en }));
            await ctx.reloadCatalog();
          } catch (err) {
            status.failed(err);
          }
        },
      },
      h("h2", {}, existing ? t("stations.editHeading", { name: name(existing) }) : t("stations.new")),
      h(
        "div",
        { class: "form-grid" },
        field(t("form.id"), id, existing ? t("stations.idHintEdit") : t("stations.idHint")),
        field(t("form.status"), stationStatus),
        names.element,
        field(t("form.river"), river),
        field(t("form.riverKm"), riverKm, t("stations.riverKmHint")),
        field(t("form.region"), region),
        field(t("form.lat"), lat),
        field(t("form.lon"), lon),
        coordinateMap(t, others, lat, lon),
        field(t("form.timezone"), zone, t("stations.timezoneHint")),
        field(t("form.operator"), operator),
        field(t("stations.idState"), idState),
        field(t("stations.idWise"), idWise),
        field(t("stations.idCn"), idCn),
        field(t("stations.targetClass"), targetClass, t("stations.targetClassHint")),
        simulated.element,
        simulatedSensors,
        field(t("form.note"), note),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary" }, existing ? t("action.save") : t("stations.create")),
        h("button", { type: "button", class: "quiet", onclick: () => formSlot.replaceChildren() }, t("action.cancel")),
      ),
    );
    formSlot.replaceChildren(form);
    form.scrollIntoView({ block: "nearest" });
    (existing ? names.element.querySelector("input") : id)?.focus();
  }

  async function openRetire(s: Station): Promise<void> {
    status.clear();
    let preview: StationRetirement;
    try {
      preview = await api.retirement(s.id);
    } catch (err) {
      return status.failed(err);
    }
    const sensors = preview.endsDeployments.map((d) => h("li", {}, h("code", {}, d.sensor), ` (${view.catalog.parameterName(d.parameter, ctx.lang)}${d.primary ? `, ${t("sensors.primary")}` : ""})`));
    const panel = h(
      "section",
      { class: "admin-card retire-preview", "data-testid": "retire-preview", role: "region", "aria-label": t("stations.retireHeading", { name: name(s) }) },
      h("h2", {}, t("stations.retireHeading", { name: name(s) })),
      h(
        "ul",
        {},
        h("li", {}, t("stations.retireIngest")),
        h("li", {}, t("stations.retireData")),
        h("li", {}, preview.endsDeployments.length ? t("stations.retireSensors", { count: preview.endsDeployments.length }) : t("stations.retireNoSensors"), sensors.length ? h("ul", {}, ...sensors) : null),
        h("li", {}, t("stations.retireRules", { count: preview.alertRules })),
        preview.simulated ? h("li", {}, t("stations.retireSimulator")) : null,
        h("li", {}, t("stations.retireUndo")),
      ),
      h(
        "div",
        { class: "form-actions" },
        confirmButton(t("stations.retireConfirm"), t, async () => {
          try {
            await api.retire(s.id);
            formSlot.replaceChildren();
            status.ok(t("stations.retiredOk", { name: name(s) }));
            await ctx.reloadCatalog();
          } catch (err) {
            status.failed(err);
          }
        }, { "data-action": "confirm-retire" }),
        h("button", { type: "button", class: "quiet", onclick: () => formSlot.replaceChildren() }, t("action.cancel")),
      ),
    );
    formSlot.replaceChildren(panel);
    panel.scrollIntoView({ block: "nearest" });
  }

  const element = catalogSection(
    "stations",
    t("stations.intro"),
    { label: t("stations.new"), action: "new-station", onclick: () => openForm() },
    status.element,
    formSlot,
    filterSlot,
    listSlot,
  );
  renderFilter();
  renderList();
  return {
    element,
    stations: [],
    onCatalog(next) {
      view.catalog = next;
      renderFilter();
      renderList();
    },
    destroy: () => undefined,
  };
}
