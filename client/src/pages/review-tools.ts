// Data review on the station page (reviewer role and admins): choose a series and a range (typed, or
// dragged across its chart), choose a correction, see the stored and the corrected readings overlaid
// on the chart before saving, save it with a reason; the series' corrections with undo (an undo is a
// new audit entry, the correction stays listed); set a period's approval level or un-approve it.
import type { CorrectionAction, CorrectionInfo, CorrectionKind } from "../../../common/review.ts";
import { CORRECTION_KINDS } from "../../../common/review.ts";
import type { Sensor } from "../../../common/catalog-model.ts";
import { ApiError } from "../api.ts";
import { parameterName, type AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { formatDateTime, formatNumber } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";
import { ReviewApi, type PreviewResponse, type ReviewSeries } from "../review-api.ts";

export interface ReviewToolsHost {
  station: string;
  /** The parameters on the page, each with its sensors (primary first). */
  series(): Array<{ parameter: string; sensors: readonly Sensor[] }>;
  /** Shows (or, with undefined, removes) the preview overlay on the parameter's chart. */
  showPreview(parameter: string, preview: PreviewResponse | undefined): void;
  /** Corrections or approvals changed: reload the charts. */
  changed(): void;
}

/** What the amount field means for each kind (none for delete, interpolate and qc). */
const AMOUNT_OF: Partial<Record<CorrectionKind, "offset" | "factor" | "offsetAtEnd" | "calibration">> = {
  offset: "offset",
  multiply: "factor",
  drift: "offsetAtEnd",
  recalibrate: "calibration",
};
const QC_FLAGS = [1, 2, 3, 4, 9] as const;

const isoMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16) + "Z";

export class ReviewTools {
  readonly element: HTMLElement;
  /** Set while the next drag across a chart selects the range instead of zooming. */
  selecting = false;
  private readonly api: ReviewApi;
  private readonly seriesSelect: HTMLSelectElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly kind: HTMLSelectElement;
  private readonly amount: HTMLInputElement;
  private readonly flag: HTMLSelectElement;
  private readonly reason: HTMLInputElement;
  private readonly level: HTMLSelectElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly selectButton: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly list: HTMLElement;
  /** The preview on screen: saving is allowed for exactly this request. */
  private previewed: string | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly host: ReviewToolsHost,
  ) {
    const { t } = ctx;
    this.api = new ReviewApi(ctx.api);
    this.seriesSelect = h("select", { name: "review-series", onchange: () => this.seriesChanged() });
    this.from = h("input", { name: "review-from", type: "text", inputmode: "numeric", placeholder: "2026-11-01T00:00Z", size: 18, oninput: () => this.invalidate() });
    this.to = h("input", { name: "review-to", type: "text", inputmode: "numeric", placeholder: "2026-11-08T00:00Z", size: 18, oninput: () => this.invalidate() });
    this.kind = h("select", { name: "review-kind", onchange: () => this.kindChanged() });
    for (const k of CORRECTION_KINDS) this.kind.append(h("option", { value: k }, t(`review.kind.${k}` as MessageKey)));
    this.kind.value = "offset";
    this.amount = h("input", { name: "review-amount", type: "number", step: "any", size: 8, oninput: () => this.invalidate() });
    this.flag = h("select", { name: "review-flag", onchange: () => this.invalidate() });
    for (const f of QC_FLAGS) this.flag.append(h("option", { value: String(f) }, `${f} ${t(`qc.${f}` as MessageKey)}`));
    this.reason = h("input", { name: "review-reason", type: "text", size: 36, maxlength: 2000 });
    this.level = h("select", { name: "review-level" }, h("option", { value: "checked" }, t("review.level.checked")), h("option", { value: "approved" }, t("review.level.approved")));
    this.saveButton = h("button", { type: "button", name: "review-save", disabled: true, onclick: () => void this.save() }, t("review.save"));
    this.selectButton = h("button", { type: "button", name: "review-select", "aria-pressed": "false", onclick: () => this.toggleSelecting() }, t("review.select"));
    this.status = h("p", { class: "review-status", role: "status", "data-testid": "review-status" });
    this.list = h("ul", { class: "review-corrections", "data-testid": "review-corrections" });
    const field = (label: string, control: HTMLElement, cls = "") => h("label", { class: `review-field ${cls}` }, h("span", {}, label), control);
    this.element = h(
      "section",
      { class: "review-tools", "data-testid": "review-tools", "aria-labelledby": "review-h" },
      h("h2", { id: "review-h" }, t("review.heading")),
      h("div", { class: "review-row" }, field(t("review.series"), this.seriesSelect), field(t("review.from"), this.from), field(t("review.to"), this.to), this.selectButton),
      h(
        "div",
        { class: "review-row" },
        field(t("review.kind"), this.kind),
        field(t("review.amount"), this.amount, "review-amount"),
        field(t("review.flag"), this.flag, "review-flag"),
        field(t("review.reason"), this.reason, "review-reason"),
      ),
      h(
        "div",
        { class: "review-row" },
        h("button", { type: "button", name: "review-preview", onclick: () => void this.preview() }, t("review.preview")),
        this.saveButton,
        h("span", { class: "review-sep", "aria-hidden": "true" }, "|"),
        field(t("review.approval"), this.level),
        h("button", { type: "button", name: "review-approve", onclick: () => void this.approve() }, t("review.approve")),
        h("button", { type: "button", name: "review-unapprove", onclick: () => void this.unapprove() }, t("review.unapprove")),
      ),
      this.status,
      h("h3", {}, t("review.corrections")),
      this.list,
      h("p", { class: "muted hint" }, t("review.band")),
    );
    this.kindChanged();
  }

  /** The page's parameters changed: offer their series. */
  refreshSeries(): void {
    const current = this.seriesSelect.value;
    this.seriesSelect.replaceChildren(
      ...this.host.series().flatMap(({ parameter, sensors }) =>
        sensors.map((s) => h("option", { value: `${parameter}\t${s.id}` }, `${parameterName(this.ctx, parameter)} · ${s.id}`)),
      ),
    );
    if ([...this.seriesSelect.options].some((o) => o.value === current)) this.seriesSelect.value = current;
    void this.loadCorrections();
  }

  /** A range dragged across a parameter's chart while selecting. */
  select(parameter: string, from: number, to: number): void {
    this.toggleSelecting(false);
    const option = [...this.seriesSelect.options].find((o) => o.value.startsWith(`${parameter}\t`));
    if (option && !this.seriesSelect.value.startsWith(`${parameter}\t`)) {
      this.seriesSelect.value = option.value;
      this.seriesChanged();
    }
    this.from.value = isoMinute(Math.floor(from / 60_000) * 60_000);
    this.to.value = isoMinute(Math.ceil(to / 60_000) * 60_000);
    this.invalidate();
  }

  private series(): ReviewSeries | undefined {
    const [parameter, sensor] = this.seriesSelect.value.split("\t");
    return parameter && sensor ? { station: this.host.station, parameter, sensor } : undefined;
  }

  private range(): { from: number; to: number } | undefined {
    const from = Date.parse(this.from.value);
    const to = Date.parse(this.to.value);
    return Number.isFinite(from) && Number.isFinite(to) ? { from, to } : undefined;
  }

  private action(): CorrectionAction {
    const kind = this.kind.value as CorrectionKind;
    const n = Number(this.amount.value);
    switch (kind) {
      case "offset":
        return { kind, offset: n };
      case "multiply":
        return { kind, factor: n };
      case "drift":
        return { kind, offsetAtEnd: n };
      case "recalibrate":
        return { kind, calibration: n };
      case "qc":
        return { kind, flag: Number(this.flag.value) as 1 | 2 | 3 | 4 | 9 };
      default:
        return { kind } as CorrectionAction;
    }
  }

  /** The request the form describes, or a message saying what is missing. */
  private request(needsReason: boolean) {
    const series = this.series();
    const range = this.range();
    if (!series || !range) return this.say(this.ctx.t("review.needRange"), true);
    const reason = this.reason.value.trim();
    if (needsReason && !reason) {
      this.reason.focus();
      return this.say(this.ctx.t("review.needReason"), true);
    }
    return { ...series, ...range, reason };
  }

  private toggleSelecting(on = !this.selecting): void {
    this.selecting = on;
    this.selectButton.setAttribute("aria-pressed", String(on));
    this.element.classList.toggle("selecting", on);
    if (on) this.say(this.ctx.t("review.selecting"));
  }

  private kindChanged(): void {
    const kind = this.kind.value as CorrectionKind;
    (this.element.querySelector(".review-amount") as HTMLElement).hidden = AMOUNT_OF[kind] === undefined;
    (this.element.querySelector(".review-flag") as HTMLElement).hidden = kind !== "qc";
    if (kind === "recalibrate" && !this.amount.value) this.amount.value = "1";
    this.invalidate();
  }

  private seriesChanged(): void {
    this.invalidate();
    void this.loadCorrections();
  }

  /** The form changed: the preview no longer shows what would be saved. */
  private invalidate(): void {
    if (this.previewed !== undefined) {
      const [parameter] = this.previewed.split("\t");
      if (parameter) this.host.showPreview(parameter, undefined);
    }
    this.previewed = undefined;
    this.saveButton.disabled = true;
  }

  private say(text: string, error = false): undefined {
    this.status.textContent = text;
    this.status.classList.toggle("state-error", error);
    return undefined;
  }

  private fail(err: unknown): void {
    this.say(err instanceof ApiError || err instanceof Error ? err.message : String(err), true);
  }

  private async preview(): Promise<void> {
    const req = this.request(false);
    if (!req) return;
    const body = { ...req, reason: req.reason || "preview", action: this.action() };
    try {
      const preview = await this.api.preview(body);
      this.host.showPreview(req.parameter, preview);
      this.previewed = `${req.parameter}\t${JSON.stringify(body.action)}\t${req.from}\t${req.to}`;
      this.saveButton.disabled = false;
      this.say(this.ctx.t("review.previewShown", { raw: preview.raw.length, corrected: preview.corrected.length }));
    } catch (err) {
      this.fail(err);
    }
  }

  private async save(): Promise<void> {
    const req = this.request(true);
    if (!req || this.previewed === undefined) return;
    try {
      const saved = await this.api.correct({ ...req, action: this.action() });
      this.invalidate();
      this.say(this.ctx.t("review.saved", { id: saved.id }));
      await this.loadCorrections();
      this.host.changed();
    } catch (err) {
      this.fail(err);
    }
  }

  private async undo(c: CorrectionInfo): Promise<void> {
    const reason = this.reason.value.trim();
    if (!reason) {
      this.reason.focus();
      this.say(this.ctx.t("review.needReason"), true);
      return;
    }
    try {
      await this.api.undo(c.id, reason);
      this.say(this.ctx.t("review.undoneOk", { id: c.id }));
      await this.loadCorrections();
      this.host.changed();
    } catch (err) {
      this.fail(err);
    }
  }

  private async approve(): Promise<void> {
    const req = this.request(true);
    if (!req) return;
    const level = this.level.value as "checked" | "approved";
    try {
      await this.api.approve({ ...req, level });
      this.say(this.ctx.t("review.approvedOk", { level: this.ctx.t(`review.level.${level}`) }));
      this.host.changed();
    } catch (err) {
      this.fail(err);
    }
  }

  private async unapprove(): Promise<void> {
    const req = this.request(true);
    if (!req) return;
    try {
      await this.api.unapprove(req);
      this.say(this.ctx.t("review.unapprovedOk"));
      this.host.changed();
    } catch (err) {
      this.fail(err);
    }
  }

  private async loadCorrections(): Promise<void> {
    const series = this.series();
    if (!series) return;
    const { t, lang } = this.ctx;
    try {
      const list = await this.api.corrections(series);
      if (list.length === 0) {
        this.list.replaceChildren(h("li", { class: "muted" }, t("review.noCorrections")));
        return;
      }
      this.list.replaceChildren(
        ...list
          .slice()
          .reverse()
          .map((c) =>
            h(
              "li",
              { "data-correction": String(c.id), class: c.undone ? "undone" : "" },
              h("strong", {}, `#${c.id} ${t(`review.kind.${c.action.kind}` as MessageKey)}${describeAmount(c.action, lang)}`),
              ` · ${formatDateTime(c.from, lang, "UTC", false)} – ${formatDateTime(c.to, lang, "UTC")} · ${c.reason} · ${c.createdBy}`,
              c.undone
                ? h("em", {}, ` · ${t("review.undone", { by: c.undone.by, reason: c.undone.reason })}`)
                : h("button", { type: "button", class: "link-button", name: "review-undo", onclick: () => void this.undo(c) }, t("review.undo")),
            ),
          ),
      );
    } catch (err) {
      this.fail(err);
    }
  }
}

function describeAmount(a: CorrectionAction, lang: AppContext["lang"]): string {
  switch (a.kind) {
    case "offset":
      return ` ${a.offset >= 0 ? "+" : ""}${formatNumber(a.offset, lang)}`;
    case "multiply":
      return ` × ${formatNumber(a.factor, lang)}`;
    case "drift":
      return ` 0 → ${formatNumber(a.offsetAtEnd, lang)}`;
    case "recalibrate":
      return ` v${a.calibration}`;
    case "qc":
      return ` QC ${a.flag}`;
    default:
      return "";
  }
}
