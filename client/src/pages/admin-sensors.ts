// Admin → Sensors: find a sensor (text, station, parameter), create one, edit its description, limits
// and QC ranges; its deployment timeline with install / end / move; its calibration log with a form
// for the next calibration. Deployments and calibrations only grow, so history stays as it was.
import type { Calibration, Sensor } from "../../../common/catalog-model.ts";
import { localName } from "../../../common/standards.ts";
import { CatalogApi } from "../catalog-api.ts";
import { dataTable, timeCell } from "../components/data-table.ts";
import { deploymentTimeline } from "../components/deployment-timeline.ts";
import { checkbox, dateTimeInput, field, instantOf, numberInput, numberOrNull, selectInput, textArea, textInput, textOrUndefined } from "../components/form-fields.ts";
import { notice } from "../components/notice.ts";
import { catalogChange, catalogSection } from "../components/catalog-admin-kit.ts";
import { pager } from "../components/station-filter.ts";
import { sensorLabel, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import { paginate } from "../station-list.ts";

const PAGE_SIZE = 50;

export function adminSensorsPage(ctx: AppContext): Page {
  const { t } = ctx;
  const api = new CatalogApi(ctx.api);
  let catalog = ctx.catalog;
  let query = "";
  let station = "";
  let parameter = "";
  let page = 0;
  let selected: string | undefined;
  const status = notice(t);
  const filterSlot = h("div");
  const listSlot = h("div", { "data-testid": "sensor-list" });
  const detailSlot = h("div", { class: "admin-form-slot" });
  const stationName = (id: string) => catalog.stationName(id, ctx.lang);
  const parameterName = (code: string) => catalog.parameterName(code, ctx.lang);
  const current = (s: Sensor) => s.deployments.find((d) => d.to === null);

  const run = catalogChange(ctx, status);

  function renderFilter(): void {
    const search = h("input", { type: "search", name: "q", value: query, "aria-label": t("filter.search"), placeholder: t("sensors.searchHint"), oninput: () => ((query = search.value.trim()), (page = 0), renderList()) });
    const stationSelect = selectInput("station", station, [["", t("filter.all")], ...catalog.stations.map((s) => [s.id, localName(s.name, ctx.lang)] as const)]);
    stationSelect.addEventListener("change", () => ((station = stationSelect.value), (page = 0), renderList()));
    const parameterSelect = selectInput("parameter", parameter, [["", t("filter.all")], ...catalog.parameters.map((p) => [p.code, localName(p.name, ctx.lang)] as const)]);
    parameterSelect.addEventListener("change", () => ((parameter = parameterSelect.value), (page = 0), renderList()));
    filterSlot.replaceChildren(
      h(
        "div",
        { class: "filter-bar", role: "search" },
        h("label", { class: "setting filter-search" }, h("span", { class: "setting-label" }, t("filter.search")), search),
        h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("form.station")), stationSelect),
        h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("form.parameter")), parameterSelect),
      ),
    );
  }

  function renderList(): void {
    if (catalog.sensors.length === 0) return void listSlot.replaceChildren(h("p", { class: "empty-state" }, t("sensors.empty")));
    const q = query.toLowerCase();
    const list = catalog.sensors.filter(
      (s) =>
        (!parameter || s.parameter === parameter) &&
        (!station || s.deployments.some((d) => d.station === station)) &&
        (!q || [s.id, s.make, s.model, s.serial, s.method].some((x) => x.toLowerCase().includes(q))),
    );
    const paged = paginate(list, page, PAGE_SIZE);
    page = paged.page;
    const rows = paged.items.map((s) => {
      const at = current(s);
      return {
        attrs: { "data-sensor": s.id },
        cells: [
          h("code", {}, s.id),
          parameterName(s.parameter),
          `${s.make} ${s.model}`,
          at ? `${stationName(at.station)}${at.primary ? ` · ${t("sensors.primary")}` : ""}` : h("span", { class: "muted" }, t("sensors.notInstalled")),
          `${s.lod ?? "–"} / ${s.loq ?? "–"}`,
          h("button", { type: "button", "data-action": "open", onclick: () => openSensor(s.id) }, t("sensors.open")),
        ],
      };
    });
    const headers = [t("form.id"), t("form.parameter"), t("sensors.makeModel"), t("sensors.installedAt"), t("sensors.lodLoq"), t("users.actions")];
    listSlot.replaceChildren(dataTable(t("admin.sensors"), headers, rows, t("sensors.noMatch")), pager(t, paged.page, paged.pages, paged.total, (p) => ((page = p), renderList()), "entries") ?? "");
  }

  /** The fields a sensor's description has (create and edit). */
  function describeFields(s?: Sensor) {
    const inputs = {
      make: textInput("make", s?.make, { required: true }),
      model: textInput("model", s?.model, { required: true }),
      serial: textInput("serial", s?.serial, { required: true }),
      method: textInput("method", s?.method, { required: true }),
      owner: selectInput("owner", s?.owner ?? "", [["", t("form.none")], ...catalog.data.organisations.map((o) => [o.id, localName(o.name, ctx.lang)] as const)]),
      lod: numberInput("lod", s?.lod, { min: 0 }),
      loq: numberInput("loq", s?.loq, { min: 0 }),
      relative: numberInput("uncertainty.relativePercent", s?.uncertainty?.relativePercent, { min: 0 }),
      absolute: numberInput("uncertainty.absolute", s?.uncertainty?.absolute, { min: 0 }),
      sensorLow: numberInput("sensorRange.low", s?.sensorRange[0], { required: true }),
      sensorHigh: numberInput("sensorRange.high", s?.sensorRange[1], { required: true }),
      expectedLow: numberInput("expectedRange.low", s?.expectedRange[0], { required: true }),
      expectedHigh: numberInput("expectedRange.high", s?.expectedRange[1], { required: true }),
      interval: numberInput("intervalSeconds", s?.intervalSeconds ?? 600, { min: 1, step: 1, required: true }),
    };
    const elements = [
      field(t("sensors.make"), inputs.make),
      field(t("sensors.model"), inputs.model),
      field(t("sensors.serial"), inputs.serial),
      field(t("sensors.method"), inputs.method),
      field(t("sensors.owner"), inputs.owner),
      field(t("sensors.lod"), inputs.lod),
      field(t("sensors.loq"), inputs.loq),
      field(t("sensors.uncertaintyRelative"), inputs.relative),
      field(t("sensors.uncertaintyAbsolute"), inputs.absolute),
      field(t("sensors.sensorLow"), inputs.sensorLow, t("sensors.sensorRangeHint")),
      field(t("sensors.sensorHigh"), inputs.sensorHigh),
      field(t("sensors.expectedLow"), inputs.expectedLow, t("sensors.expectedRangeHint")),
      field(t("sensors.expectedHigh"), inputs.expectedHigh),
      field(t("sensors.interval"), inputs.interval),
    ];
    const read = (): Omit<Sensor, "id" | "parameter" | "deployments" | "calibrations"> => {
      const relative = numberOrNull(inputs.relative);
      const absolute = numberOrNull(inputs.absolute);
      return {
        make: inputs.make.value.trim(),
        model: inputs.model.value.trim(),
        serial: inputs.serial.value.trim(),
        method: inputs.method.value.trim(),
        owner: inputs.owner.value || null,
        lod: numberOrNull(inputs.lod),
        loq: numberOrNull(inputs.loq),
        uncertainty: relative === null && absolute === null ? null : { ...(relative !== null ? { relativePercent: relative } : {}), ...(absolute !== null ? { absolute } : {}) },
        sensorRange: [Number(inputs.sensorLow.value), Number(inputs.sensorHigh.value)],
        expectedRange: [Number(inputs.expectedLow.value), Number(inputs.expectedHigh.value)],
        intervalSeconds: Number(inputs.interval.value),
      };
    };
    return { elements, read };
  }

  function openCreate(): void {
    status.clear();
    selected = undefined;
    const id = textInput("id", "", { required: true, pattern: "[A-Z0-9][A-Z0-9\\-]*", class: "mono" });
    const param = selectInput("parameter", catalog.parameters[0]?.code ?? "", catalog.parameters.map((p) => [p.code, localName(p.name, ctx.lang)]));
    const where = selectInput("station", "", [["", t("sensors.notInstalledYet")], ...catalog.stations.map((s) => [s.id, localName(s.name, ctx.lang)] as const)]);
    const from = dateTimeInput(t, ctx.lang, "from");
    const primary = checkbox("primary", true, t("sensors.primaryLabel"));
    const description = describeFields();
    const form = h(
      "form",
      {
        class: "admin-card catalog-form",
        "data-testid": "sensor-form",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const sensor: Sensor = {
            id: id.value.trim(),
            parameter: param.value,
            ...description.read(),
            deployments: where.value ? [{ station: where.value, from: instantOf(from) ?? new Date().toISOString(), to: null, primary: primary.input.checked }] : [],
            calibrations: [],
          };
          void run(async () => {
            await api.createSensor(sensor);
            selected = sensor.id;
          }, t("sensors.createdOk", { id: sensor.id }));
        },
      },
      h("h2", {}, t("sensors.new")),
      h("div", { class: "form-grid" }, field(t("form.id"), id, t("sensors.idHint")), field(t("form.parameter"), param), ...description.elements, field(t("sensors.installAt"), where), field(t("sensors.from"), from), primary.element),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("sensors.create")), h("button", { type: "button", class: "quiet", onclick: () => detailSlot.replaceChildren() }, t("action.cancel"))),
    );
    detailSlot.replaceChildren(form);
  }

  function openSensor(id: string): void {
    selected = id;
    const s = catalog.sensor(id);
    if (!s) return void detailSlot.replaceChildren();
    const description = describeFields(s);
    const at = current(s);
    const stationOptions = catalog.stations.filter((x) => x.status !== "retired").map((x) => [x.id, localName(x.name, ctx.lang)] as const);

    const edit = h(
      "form",
      {
        class: "catalog-form",
        "data-testid": "sensor-edit",
        onsubmit: (e: Event) => (e.preventDefault(), void run(() => api.updateSensor(s.id, description.read()), t("sensors.savedOk", { id: s.id }))),
      },
      h("div", { class: "form-grid" }, ...description.elements),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("action.save"))),
    );

    const moveTo = selectInput("station", "", stationOptions);
    const moveAt = dateTimeInput(t, ctx.lang, "at");
    const movePrimary = checkbox("primary", at?.primary ?? true, t("sensors.primaryLabel"));
    const endAt = dateTimeInput(t, ctx.lang, "to");
    const deployment = at
      ? h(
          "div",
          { class: "deployment-actions" },
          h(
            "form",
            { class: "inline-form", "data-testid": "sensor-move", onsubmit: (e: Event) => (e.preventDefault(), void run(() => api.move(s.id, { station: moveTo.value, at: instantOf(moveAt)!, primary: movePrimary.input.checked }), t("sensors.movedOk", { id: s.id }))) },
            field(t("sensors.moveTo"), moveTo),
            field(t("sensors.at"), moveAt),
            movePrimary.element,
            h("button", { type: "submit" }, t("sensors.move")),
          ),
          h(
            "form",
            { class: "inline-form", "data-testid": "sensor-end", onsubmit: (e: Event) => (e.preventDefault(), void run(() => api.endDeployment(s.id, instantOf(endAt)!), t("sensors.endedOk", { id: s.id }))) },
            field(t("sensors.removeAt"), endAt),
            h("button", { type: "submit" }, t("sensors.end")),
          ),
        )
      : (() => {
          const installAt = selectInput("station", "", stationOptions);
          const from = dateTimeInput(t, ctx.lang, "from");
          const primary = checkbox("primary", true, t("sensors.primaryLabel"));
          return h(
            "form",
            { class: "inline-form", "data-testid": "sensor-install", onsubmit: (e: Event) => (e.preventDefault(), void run(() => api.install(s.id, { station: installAt.value, from: instantOf(from)!, primary: primary.input.checked }), t("sensors.installedOk", { id: s.id }))) },
            field(t("sensors.installAt"), installAt),
            field(t("sensors.from"), from),
            primary.element,
            h("button", { type: "submit" }, t("sensors.install")),
          );
        })();

    const calAt = dateTimeInput(t, ctx.lang, "at");
    const calBy = textInput("by", "", { required: true });
    const calRef = textInput("reference", "", { required: true });
    const slope = numberInput("slope", 1, { required: true });
    const intercept = numberInput("intercept", 0, { required: true });
    const calNote = textArea("note", "");
    const calibrate = h(
      "form",
      {
        class: "catalog-form",
        "data-testid": "sensor-calibrate",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const c: Omit<Calibration, "version"> = {
            at: instantOf(calAt)!,
            by: calBy.value.trim(),
            reference: calRef.value.trim(),
            function: { kind: "linear", slope: Number(slope.value), intercept: Number(intercept.value) },
            ...(textOrUndefined(calNote) ? { note: textOrUndefined(calNote) } : {}),
          };
          void run(() => api.calibrate(s.id, c), t("sensors.calibratedOk", { id: s.id }));
        },
      },
      h("div", { class: "form-grid" }, field(t("sensors.calAt"), calAt), field(t("sensors.calBy"), calBy), field(t("sensors.calReference"), calRef), field(t("sensors.slope"), slope, t("sensors.functionHint")), field(t("sensors.intercept"), intercept), field(t("form.note"), calNote)),
      h("div", { class: "form-actions" }, h("button", { type: "submit" }, t("sensors.addCalibration"))),
    );
    const calibrations = dataTable(
      t("sensors.calibrations"),
      [t("sensors.calVersion"), t("sensors.calAt"), t("sensors.calBy"), t("sensors.calReference"), t("sensors.calFunction"), t("form.note")],
      [...s.calibrations].reverse().map((c) => ({ cells: [String(c.version), timeCell(c.at, ctx.lang, ctx.p.zone), c.by, c.reference, `${c.function.slope} × raw + ${c.function.intercept}`, c.note ?? "–"] })),
      t("sensors.noCalibrations"),
    );

    detailSlot.replaceChildren(
      h(
        "section",
        { class: "admin-card sensor-detail", "data-sensor": s.id, "aria-labelledby": "sensor-h" },
        h("div", { class: "section-bar" }, h("h2", { id: "sensor-h" }, sensorLabel(s)), h("button", { type: "button", class: "quiet", onclick: () => ((selected = undefined), detailSlot.replaceChildren()) }, t("action.close"))),
        h("p", { class: "muted" }, `${parameterName(s.parameter)} · ${s.method}`),
        h("h3", {}, t("sensors.deployments")),
        deploymentTimeline(t, ctx.lang, s.deployments, stationName),
        deployment,
        h("h3", {}, t("sensors.calibrations")),
        calibrations,
        calibrate,
        h("h3", {}, t("sensors.description")),
        edit,
      ),
    );
  }

  const element = catalogSection(
    "sensors",
    t("sensors.intro"),
    { label: t("sensors.new"), action: "new-sensor", onclick: openCreate },
    status.element,
    detailSlot,
    filterSlot,
    listSlot,
  );
  renderFilter();
  renderList();
  return {
    element,
    stations: [],
    onCatalog(next) {
      catalog = next;
      renderFilter();
      renderList();
      if (selected) openSensor(selected);
    },
    destroy: () => undefined,
  };
}
