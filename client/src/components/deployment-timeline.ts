// Where a sensor was installed, when: one bar per deployment on a common time axis (to today),
// primary deployments filled, others outlined, open ones running to the edge. Also as a list for
// screen readers and for exact dates.
import type { Deployment } from "../../../common/catalog-model.ts";
import { h } from "../dom.ts";
import { formatDateTime } from "../format.ts";
import type { Language, Translate } from "../i18n/index.ts";

export function deploymentTimeline(t: Translate, lang: Language, deployments: readonly Deployment[], stationName: (id: string) => string, now = Date.now()): HTMLElement {
  if (deployments.length === 0) return h("p", { class: "empty-state" }, t("sensors.noDeployments"));
  const spans = deployments.map((d) => ({ d, from: Date.parse(d.from), to: d.to === null ? now : Date.parse(d.to) }));
  const start = Math.min(...spans.map((s) => s.from));
  const end = Math.max(now, ...spans.map((s) => s.to));
  const width = Math.max(1, end - start);
  const when = (iso: string) => formatDateTime(Date.parse(iso), lang, undefined, false);
  return h(
    "div",
    { class: "timeline", "data-testid": "deployment-timeline" },
    h(
      "div",
      { class: "timeline-axis muted", "aria-hidden": "true" },
      h("span", {}, formatDateTime(start, lang, undefined, false)),
      h("span", {}, formatDateTime(end, lang, undefined, false)),
    ),
    ...spans.map(({ d, from, to }) =>
      h(
        "div",
        { class: "timeline-row" },
        h("span", { class: "timeline-label" }, stationName(d.station)),
        h(
          "span",
          { class: "timeline-track", "aria-hidden": "true" },
          h("span", {
            class: `timeline-bar${d.primary ? " timeline-primary" : ""}${d.to === null ? " timeline-open" : ""}`,
            style: `left:${((from - start) / width) * 100}%;width:${Math.max(0.8, ((to - from) / width) * 100)}%`,
          }),
        ),
        h(
          "span",
          { class: "timeline-dates" },
          `${when(d.from)} – ${d.to === null ? t("sensors.now") : when(d.to)}`,
          d.primary ? h("span", { class: "muted" }, ` · ${t("sensors.primary")}`) : null,
        ),
      ),
    ),
  );
}
