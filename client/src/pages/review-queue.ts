// The review queue (#/review, reviewer role): per station, the series whose unreviewed data is older
// than N days (GET /api/v1/review/queue), each linking to its station page over that range.
import type { ReviewQueueResponse } from "../../../common/review.ts";
import { loadInto } from "../components/notice.ts";
import { parameterName, stationName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import { formatDateTime } from "../format.ts";
import { ReviewApi } from "../review-api.ts";
import { stationHref } from "../router.ts";

export function reviewQueuePage(ctx: AppContext, query: URLSearchParams): Page {
  const { t, lang } = ctx;
  const api = new ReviewApi(ctx.api);
  let destroyed = false;
  const asked = Number(query.get("days") ?? "30");
  let days = Number.isFinite(asked) ? Math.max(0, Math.min(400, Math.round(asked))) : 30;
  const list = h("div", { "data-testid": "review-queue" });

  function render(queue: ReviewQueueResponse): void {
    if (queue.stations.length === 0) return list.replaceChildren(h("p", { class: "muted" }, t("review.queue.empty")));
    list.replaceChildren(
      ...queue.stations.map((s) =>
        h(
          "section",
          { class: "admin-card", "data-station": s.station },
          h("h2", {}, stationName(ctx, s.station)),
          h(
            "ul",
            { class: "review-queue" },
            ...s.series.map((item) => {
              const q = new URLSearchParams({ range: "custom", from: String(item.from), to: String(item.to), p: item.parameter });
              return h(
                "li",
                { "data-parameter": item.parameter, "data-sensor": item.sensor },
                t("review.queue.item", {
                  parameter: parameterName(ctx, item.parameter),
                  sensor: item.sensor,
                  from: formatDateTime(item.from, lang, "UTC", false),
                  to: formatDateTime(item.to, lang, "UTC"),
                  count: item.readings,
                }),
                " ",
                h("a", { href: stationHref(s.station, q) }, t("review.queue.open")),
              );
            }),
          ),
        ),
      ),
    );
  }

  const load = () => loadInto(list, t, () => api.queue(days), render, () => destroyed);
  const input = h("input", {
    type: "number",
    name: "older-than-days",
    min: 0,
    max: 400,
    class: "days-input",
    value: days,
    onchange: (e: Event) => {
      days = Math.max(0, Math.min(400, Number((e.target as HTMLInputElement).value) || 0));
      void load();
    },
  });
  void load();
  return {
    element: h(
      "section",
      { class: "review-queue-page", "aria-labelledby": "queue-h" },
      h("h1", { id: "queue-h" }, t("review.queue.heading")),
      h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("review.queue.olderThan")), input),
      list,
    ),
    stations: [],
    destroy: () => {
      destroyed = true;
    },
  };
}
