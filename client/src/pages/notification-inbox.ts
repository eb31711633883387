// The in-app inbox (GET /api/v1/notifications): alerts delivered to my "in the dashboard"
// subscriptions, newest first, each linking to the alert; every time in one zone, named once.
import type { AlertsApi, InboxEntry } from "../alerts-api.ts";
import { alertFormat, listZoneName, parameterName, stateBadge, stationName, timeText, valueText } from "../components/alert-format.ts";
import { loadInto } from "../components/notice.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { alertsHref } from "../router.ts";

const SHOWN = 20;
const REFRESH_DEBOUNCE_MS = 300;

export function inboxList(ctx: AppContext, alertsApi: AlertsApi): { element: HTMLElement; refresh(): void; destroy(): void } {
  const { t } = ctx;
  const f = alertFormat(ctx);
  let destroyed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const list = h("div", { "data-testid": "inbox" }, h("p", { class: "state-loading" }, t("state.loading")));

  function render(entries: InboxEntry[]): void {
    if (entries.length === 0) return list.replaceChildren(h("p", { class: "muted" }, t("inbox.none")));
    list.replaceChildren(
      h("p", { class: "muted zone-note", "data-testid": "zone-note" }, t("zone.note", { zone: listZoneName(f) })),
      h(
        "ul",
        { class: "inbox" },
        ...entries.slice(0, SHOWN).map(({ event: e }) =>
          h(
            "li",
            { "data-alert-id": String(e.id) },
            stateBadge(e.reminder ? "reminder" : e.state, t),
            " ",
            h("a", { href: alertsHref(new URLSearchParams({ id: String(e.id) })) }, `${parameterName(f, e.parameter)} · ${stationName(f, e.station)}`),
            ` ${valueText(f, e)} · `,
            h("time", { datetime: new Date(e.at).toISOString() }, timeText(f, e.at)),
          ),
        ),
      ),
    );
  }

  const load = (): Promise<void> => loadInto(list, t, () => alertsApi.inbox(), render, () => destroyed);

  void load();
  const element = h("section", { class: "admin-card", "aria-labelledby": "inbox-h" }, h("h2", { id: "inbox-h" }, t("inbox.heading")), list);
  return {
    element,
    refresh: () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), REFRESH_DEBOUNCE_MS);
    },
    destroy: () => {
      destroyed = true;
      clearTimeout(timer);
    },
  };
}
