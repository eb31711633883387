// Entry point: builds the shell (header, settings, session menu, connection indicator, health
// banner), loads the session and the catalog and mounts the page for the current hash route; without
// a role (login-only installation, not logged in) that is the login page. Pages are re-mounted when the route or a
// preference (language, unit, time zone) changes; their state lives in the URL.
import "./styles.css";
import "./auth.css";
import "./catalog.css";
import { emptyCatalogData } from "../../common/catalog-format.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { ApiClient } from "./api.ts";
import { AuthApi, roleAtLeast, type SessionInfo } from "./auth-api.ts";
import { errorText } from "./components/notice.ts";
import { sessionMenu } from "./components/session-menu.ts";
import { alertToasts } from "./components/alert-toasts.ts";
import { connectionIndicator } from "./components/connection-indicator.ts";
import { healthBanner } from "./components/health-banner.ts";
import type { AppContext, Page } from "./context.ts";
import { clear, h } from "./dom.ts";
import { LANGUAGE_NAME, LANGUAGES, LOCALE, translator, type Language } from "./i18n/index.ts";
import { LiveClient } from "./live.ts";
import { adminHref, alertsHref, assessmentHref, compareHref, profileHref, LAB_HREF, loginHref, parseRoute } from "./router.ts";
import { SessionStore } from "./session.ts";
import { PreferencesStore, type ZoneMode } from "./state.ts";
import { accountPage } from "./pages/account.ts";
import { adminPage } from "./pages/admin.ts";
import { alertRulesPage } from "./pages/alert-rules.ts";
import { alertsPage } from "./pages/alerts.ts";
import { assessmentDetailPage } from "./pages/assessment-detail.ts";
import { assessmentReportPage } from "./pages/assessment-report.ts";
import { assessmentStatusPage } from "./pages/assessment-status.ts";
import { subscriptionsPage } from "./pages/subscriptions.ts";
import { reviewQueuePage } from "./pages/review-queue.ts";
import { comparePage } from "./pages/compare.ts";
import { loginPage } from "./pages/login.ts";
import { overviewPage } from "./pages/overview.ts";
import { stationPage } from "./pages/station.ts";
import { labPage } from "./pages/lab.ts";
import { validationPage } from "./pages/validation.ts";
import { profilePage } from "./pages/profile.ts";
import type { ConcentrationUnit } from "./format.ts";

const api = new ApiClient();
/** Until the catalog is loaded (toasts may arrive first): names fall back to ids. */
const EMPTY_CATALOG = new CatalogSnapshot(emptyCatalogData());
const auth = new AuthApi(api);
const sessions = new SessionStore(api, auth);
const live = new LiveClient();
const prefs = new PreferencesStore(safeStorage(), navigator.languages ?? [navigator.language]);
const root = document.getElementById("app")!;

let catalog: CatalogSnapshot | undefined;
let page: Page | undefined;
let shellCleanup: Array<() => void> = [];
/** Mounts overlap when the route changes while one is loading; only the latest may render. */
let mountSeq = 0;

live.listen({
  readings: (batch) => page?.onReadings?.(batch),
  resync: (since) => page?.onResync?.(since),
  catalogChanged: (version) => {
    if (catalog && version > catalog.version) void reloadCatalog();
  },
  labResults: (change) => page?.onLabResults?.(change),
});

/** Fetches the catalog again; the page takes it (onCatalog), or is mounted again with it. */
let reloading: Promise<void> | undefined;
function reloadCatalog(): Promise<void> {
  reloading ??= (async () => {
    try {
      const body = await api.catalog();
      if (catalog && body.version <= catalog.version) return;
      catalog = new CatalogSnapshot(body.catalog, body.version);
      if (page?.onCatalog) page.onCatalog(catalog);
      else await mount();
    } catch {
      // The next change event or navigation tries again; the page keeps the catalog it has.
    } finally {
      reloading = undefined;
    }
  })();
  return reloading;
}

// Alert toasts live outside #app, so they survive re-mounts; formatted in the current preferences.
const toasts = alertToasts(live, () => {
  const p = prefs.get();
  return { t: translator(p.lang), lang: p.lang, unit: p.unit, zone: p.zone, catalog: catalog ?? EMPTY_CATALOG };
});
document.body.append(toasts.element);

// A read refused with 401: the session ended (logout elsewhere, expiry) or the dashboard stopped
// being public. Ask again; a changed session re-mounts (and shows the login page if need be).
api.onUnauthorized = () => void sessions.refresh().catch(() => undefined);
sessions.subscribe(() => {
  live.reconnect();
  void mount();
});

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function select<T extends string>(label: string, name: string, value: T, options: Array<[T, string]>, onChange: (v: T) => void) {
  const el = h("select", { name, "aria-label": label, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value as T) });
  for (const [v, text] of options) el.append(h("option", { value: v, selected: v === value }, text));
  return h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), el);
}

function renderShell(session: Readonly<SessionInfo> | undefined): HTMLElement {
  for (const fn of shellCleanup) fn();
  shellCleanup = [];
  const p = prefs.get();
  const t = translator(p.lang);
  document.documentElement.lang = LOCALE[p.lang];
  document.title = t("app.title");
  const conn = connectionIndicator(live, t);
  const banner = healthBanner(api, live, t);
  shellCleanup.push(conn.destroy, banner.destroy);
  const mayRead = Boolean(session?.role);
  const route = parseRoute(location.hash).page;
  const navLink = (href: string, text: string, active: boolean) =>
    h("a", { href, class: "nav-link", "aria-current": active ? "page" : undefined }, text);
  const main = h("main", { id: "content", tabindex: "-1" });
  clear(root);
  root.append(
    h("a", { class: "skip-link", href: "#content", onclick: (e: Event) => (e.preventDefault(), main.focus()) }, t("app.skip")),
    h(
      "header",
      { class: "app-header" },
      h("a", { class: "brand", href: "#/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "≋"), t("app.title")),
      mayRead &&
        h(
          "nav",
          { "aria-label": t("nav.main") },
          navLink("#/", t("nav.overview"), route === "overview"),
          navLink(compareHref(), t("nav.compare"), route === "compare"),
          navLink(profileHref(), t("nav.profile"), route === "profile"),
          navLink(alertsHref(), t("nav.alerts"), route === "alerts" || route === "alert-rules"),
          navLink(assessmentHref(), t("nav.assessment"), route === "assessment" || route === "assessment-detail" || route === "report"),
          roleAtLeast(session?.role, "researcher") && session?.user && navLink("#/subscriptions", t("nav.subscriptions"), route === "subscriptions"),
          roleAtLeast(session?.role, "researcher") && navLink(LAB_HREF, t("nav.lab"), route === "lab" || route === "validation"),
          roleAtLeast(session?.role, "reviewer") && navLink("#/review", t("nav.review"), route === "review"),
          session?.role === "admin" && navLink(adminHref("users"), t("nav.admin"), route === "admin"),
        ),
      h(
        "div",
        { class: "settings" },
        select<Language>(t("settings.language"), "lang", p.lang, LANGUAGES.map((l) => [l, LANGUAGE_NAME[l]]), (lang) => prefs.set({ lang })),
        select<ConcentrationUnit>(t("settings.unit"), "unit", p.unit, [["ng/L", t("unit.ng")], ["µg/L", t("unit.ug")]], (unit) =>
          prefs.set({ unit }),
        ),
        select<ZoneMode>(
          t("settings.timeZone"),
          "zone",
          p.zone,
          [["station", t("tz.station")], ["utc", t("tz.utc")], ["cet", t("tz.cet")], ["local", t("tz.local")]],
          (zone) => prefs.set({ zone }),
        ),
        mayRead && conn.element,
        session && sessionMenu({ session, t, onLoginPage: route === "login", logout: async (everywhere) => void (await sessions.logout(everywhere)) }),
      ),
    ),
    banner.element,
    main,
  );
  return main;
}

async function loadCatalog(main: HTMLElement): Promise<boolean> {
  if (catalog) return true;
  const t = translator(prefs.get().lang);
  main.replaceChildren(h("p", { class: "state-loading", role: "status" }, t("state.loading")));
  try {
    const body = await api.catalog();
    catalog = new CatalogSnapshot(body.catalog, body.version);
    return true;
  } catch (err) {
    showError(main, t("state.error", { error: err instanceof Error ? err.message : String(err) }));
    return false;
  }
}

function showError(main: HTMLElement, text: string): void {
  const t = translator(prefs.get().lang);
  main.replaceChildren(
    h("div", { class: "state-error", role: "alert" }, h("p", {}, text), h("button", { type: "button", onclick: () => void mount() }, t("state.retry"))),
  );
}

async function mount(): Promise<void> {
  const seq = ++mountSeq;
  page?.destroy();
  page = undefined;
  let session: SessionInfo | undefined;
  let sessionError: unknown;
  try {
    session = await sessions.ensure();
  } catch (err) {
    sessionError = err;
  }
  if (seq !== mountSeq) return;
  const main = renderShell(session);
  const p = prefs.get();
  const t = translator(p.lang);
  if (!session) return showError(main, t("state.error", { error: errorText(sessionError) }));
  const route = parseRoute(location.hash);
  if (route.page === "login") {
    if (session.user) return location.replace(route.next);
    page = loginPage({ t, session, next: route.next, login: async (u, pw) => void (await sessions.login(u, pw)) });
    main.replaceChildren(page.element);
    return;
  }
  // Nothing to show without a role, and no account without a user: log in, then come back here.
  if (!session.role || (!session.user && (route.page === "account" || route.page === "admin"))) {
    return location.replace(loginHref(location.hash || "#/"));
  }
  if (!(await loadCatalog(main)) || !catalog || seq !== mountSeq) return;
  const ctx: AppContext = { api, auth, session, live, prefs, catalog, reloadCatalog, t, lang: p.lang, locale: LOCALE[p.lang], p };
  page =
    route.page === "station"
      ? stationPage(ctx, route.station, route.query)
      : route.page === "compare"
        ? comparePage(ctx, route.query)
        : route.page === "account"
          ? accountPage(ctx)
          : route.page === "admin"
            ? adminPage(ctx, route.section)
            : route.page === "alerts"
              ? alertsPage(ctx, route.query)
              : route.page === "alert-rules"
                ? alertRulesPage(ctx)
                : route.page === "subscriptions"
                  ? subscriptionsPage(ctx)
                  : route.page === "lab"
                    ? labPage(ctx)
                    : route.page === "validation"
                      ? validationPage(ctx, route.query)
                      : route.page === "profile"
                        ? profilePage(ctx, route.query)
                        : route.page === "review"
                          ? reviewQueuePage(ctx, route.query)
                          : route.page === "assessment"
                            ? assessmentStatusPage(ctx, route.query)
                            : route.page === "assessment-detail"
                              ? assessmentDetailPage(ctx, route.station, route.parameter, route.query)
                              : route.page === "report"
                                ? assessmentReportPage(ctx, route.query)
                                : overviewPage(ctx, route.page === "overview" ? route.query : undefined);
  main.replaceChildren(page.element);
  live.setStations(page.stations);
}

// Pages record their own state (range, chosen parameters) with history.replaceState, which fires
// no hashchange: a hashchange is always a navigation.
window.addEventListener("hashchange", () => void mount());
prefs.subscribe(() => void mount());
void mount();
