// My subscriptions (#/subscriptions): choose stations, parameters and severities (none chosen: all)
// and a channel (in the dashboard, webhook, email); list and delete my own. A webhook's signing
// secret is shown once; an email subscription waits for its confirmation mail (double opt-in).
import "../alerts.css";
import { ALERT_SEVERITIES, NOTIFY_CHANNELS, type AlertSeverity, type NotifyChannel, type Subscription } from "../../../common/alerts.ts";
import { AlertsApi, type SubscriptionRequest } from "../alerts-api.ts";
import { roleAtLeast } from "../auth-api.ts";
import { alertFormat, parameterName, stationName } from "../components/alert-format.ts";
import { checkPicker } from "../components/check-picker.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { dataTable, timeCell, zoneHeader } from "../components/data-table.ts";
import { loadInto, notice } from "../components/notice.ts";
import { secretOnce } from "../components/secret-once.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import { loginHref } from "../router.ts";
import { inboxList } from "./notification-inbox.ts";

function checkboxGroup(legend: string, name: string, options: Array<[string, string]>, hint: string): { element: HTMLElement; values(): string[]; reset(): void } {
  const boxes = options.map(([value]) => h("input", { type: "checkbox", name, value }));
  const element = h(
    "fieldset",
    { class: "check-group", "data-testid": `sub-${name}` },
    h("legend", {}, legend, h("span", { class: "muted" }, ` (${hint})`)),
    h("div", { class: "check-options" }, ...options.map(([, text], i) => h("label", { class: "check" }, boxes[i]!, text))),
  );
  return { element, values: () => boxes.filter((b) => b.checked).map((b) => b.value), reset: () => boxes.forEach((b) => (b.checked = false)) };
}

export function subscriptionsPage(ctx: AppContext): Page {
  const { t } = ctx;
  const heading = h("h1", { id: "subs-h" }, t("subs.heading"));
  if (!roleAtLeast(ctx.session.role, "researcher") || !ctx.session.user) {
    const element = h(
      "section",
      { class: "subscriptions", "aria-labelledby": "subs-h" },
      heading,
      h("p", { class: "state-error", role: "alert" }, t("subs.researcherOnly")),
      ctx.session.user ? null : h("p", {}, h("a", { href: loginHref("#/subscriptions") }, t("session.login"))),
    );
    return { element, stations: [], destroy: () => undefined };
  }
  const f = alertFormat(ctx);
  const alertsApi = new AlertsApi(ctx.api);
  let destroyed = false;

  const stations = checkPicker(ctx, {
    name: "stations",
    legend: t("subs.stations"),
    hint: t("subs.noneMeansAll"),
    testid: "sub-stations",
    items: ctx.catalog.stations.map((s) => ({ value: s.id, label: stationName(f, s.id), station: s.id })),
    selected: [],
  });
  const parameters = checkboxGroup(t("subs.parameters"), "parameters", ctx.catalog.parameters.map((p) => [p.code, parameterName(f, p.code)]), t("subs.noneMeansAll"));
  const severities = checkboxGroup(t("subs.severities"), "severities", ALERT_SEVERITIES.map((s) => [s, t(`alert.severity.${s}`)]), t("subs.noneMeansAll"));
  const channel = h("select", { name: "channel", "data-testid": "sub-channel" }, ...NOTIFY_CHANNELS.map((c) => h("option", { value: c }, t(`channel.${c}`))));
  const webhookUrl = h("input", { type: "url", name: "webhookUrl", placeholder: "https://example.org/hooks/water", autocomplete: "off", "data-testid": "sub-webhook" });
  const email = h("input", { type: "email", name: "email", autocomplete: "email", "data-testid": "sub-email" });
  const webhookField = h("label", { class: "field" }, h("span", {}, t("subs.webhookUrl")), webhookUrl);
  const emailField = h("label", { class: "field" }, h("span", {}, t("subs.email")), email);
  const showTarget = () => {
    webhookField.hidden = channel.value !== "webhook";
    emailField.hidden = channel.value !== "email";
    webhookUrl.required = channel.value === "webhook";
    email.required = channel.value === "email";
  };
  channel.addEventListener("change", showTarget);
  showTarget();

  const status = notice(t);
  const secretSlot = h("div", { class: "secret-slot" });
  const list = h("div", { "data-testid": "subscription-list" }, h("p", { class: "state-loading" }, t("state.loading")));
  const inbox = inboxList(ctx, alertsApi);

  const form = h(
    "form",
    {
      class: "stack-form subscription-form",
      "data-testid": "subscription-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.clear();
        secretSlot.replaceChildren();
        const chosen = channel.value as NotifyChannel;
        const req: SubscriptionRequest = {
          stations: stations.values(),
          parameters: parameters.values(),
          severities: severities.values() as AlertSeverity[],
          channel: chosen,
          ...(chosen === "webhook" ? { webhookUrl: webhookUrl.value.trim() } : {}),
          ...(chosen === "email" ? { email: email.value.trim() } : {}),
        };
        try {
          const created = await alertsApi.createSubscription(req);
          if (destroyed) return;
          if (created.secret) secretSlot.replaceChildren(h("p", { class: "muted" }, t("subs.secretHint")), secretOnce(t("subs.secretLabel"), created.secret, t, () => secretSlot.replaceChildren()));
          if (chosen === "email") status.ok(t("subs.emailSent", { email: req.email ?? "" }));
          else status.ok(t("subs.createdOk"));
          for (const group of [stations, parameters, severities]) group.reset();
          webhookUrl.value = "";
          email.value = "";
          await load();
        } catch (err) {
          status.failed(err);
        }
      },
    },
    stations.element,
    parameters.element,
    severities.element,
    h("div", { class: "inline-form" }, h("label", { class: "field" }, h("span", {}, t("subs.channel")), channel), webhookField, emailField),
    h("div", {}, h("button", { type: "submit", class: "primary", "data-testid": "sub-submit" }, t("subs.create"))),
  );

  const names = (values: string[], name: (v: string) => string) => (values.length ? values.map(name).join(", ") : t("subs.all"));

  function subscriptionState(s: Subscription): "active" | "unconfirmed" | "inactive" {
    if (!s.active) return "inactive";
    return s.channel === "email" && !s.confirmed ? "unconfirmed" : "active";
  }

  function render(subs: Subscription[]): void {
    const rows = subs.map((s) => {
      const state = subscriptionState(s);
      return {
        attrs: { "data-subscription-id": String(s.id), "data-channel": s.channel, "data-state": state },
        cells: [
          names(s.stations, (id) => stationName(f, id)),
          names(s.parameters, (code) => parameterName(f, code)),
          names(s.severities, (sev) => t(`alert.severity.${sev as AlertSeverity}`)),
          t(`channel.${s.channel}`),
          s.webhookUrl ?? s.email ?? "–",
          h("span", { class: `sub-state sub-${state}` }, t(`subs.state.${state}`)),
          timeCell(s.createdAt, ctx.lang, ctx.p.zone),
          confirmButton(t("subs.delete"), t, async () => {
            try {
              await alertsApi.deleteSubscription(s.id);
              status.ok(t("subs.deleted"));
              await load();
            } catch (err) {
              status.failed(err);
            }
          }),
        ],
      };
    });
    const headers = [t("subs.stations"), t("subs.parameters"), t("subs.severities"), t("subs.channel"), t("subs.target"), t("subs.status"), zoneHeader(t, t("subs.createdAt"), ctx.p.zone), t("subs.actions")];
    list.replaceChildren(dataTable(t("subs.list"), headers, rows, t("subs.none")));
  }

  const load = (): Promise<void> => loadInto(list, t, () => alertsApi.subscriptions(), render, () => destroyed);

  const element = h(
    "section",
    { class: "subscriptions", "aria-labelledby": "subs-h" },
    heading,
    h("p", { class: "muted" }, t("subs.intro")),
    h("section", { class: "admin-card", "aria-labelledby": "subs-new-h" }, h("h2", { id: "subs-new-h" }, t("subs.new")), form, status.element, secretSlot),
    h("section", { class: "admin-card", "aria-labelledby": "subs-list-h" }, h("h2", { id: "subs-list-h" }, t("subs.list")), list),
    inbox.element,
  );
  void load();
  const stopLive = ctx.live.listen({ alert: () => inbox.refresh() });
  return {
    element,
    stations: [],
    destroy: () => {
      destroyed = true;
      stopLive();
      inbox.destroy();
    },
  };
}
