// What every page receives from the shell: API and live clients, preferences, the catalog, and a
// translator for the current language.
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import type { Sensor } from "../../common/catalog-model.ts";
import { localName } from "../../common/standards.ts";
import type { LabResultsChanged } from "../../common/lab.ts";
import type { Reading } from "../../common/reading.ts";
import type { ApiClient } from "./api.ts";
import type { AuthApi, SessionInfo } from "./auth-api.ts";
import type { Language, Translate } from "./i18n/index.ts";
import type { LiveClient } from "./live.ts";
import type { Preferences, PreferencesStore } from "./state.ts";

export interface AppContext {
  api: ApiClient;
  /** Login, session, personal tokens and the admin API. */
  auth: AuthApi;
  /** Who is using the dashboard (user null: anonymous viewer on a public dashboard). */
  session: Readonly<SessionInfo>;
  live: LiveClient;
  prefs: PreferencesStore;
  /** The server's catalog (GET /api/v1/catalog): stations, parameters, sensors, standards, sources. */
  catalog: CatalogSnapshot;
  /** Loads the catalog again (after the page changed it) and hands it to the page (onCatalog) or re-mounts it. */
  reloadCatalog(): Promise<void>;
  t: Translate;
  lang: Language;
  locale: string;
  p: Readonly<Preferences>;
}

export interface Page {
  element: HTMLElement;
  /** Stations whose live readings this page shows. */
  stations: string[];
  onReadings?(batch: Reading[]): void;
  /** Reconnected after a gap: fetch what was missed since `since`. */
  onResync?(since: number): void;
  /**
   * The catalog changed (live event, or the page's own edit): pages that hold input the user is
   * typing take the new catalog here; pages without it are mounted again with it.
   */
  onCatalog?(catalog: CatalogSnapshot): void;
  /** Lab results were imported or an import undone (socket event `labResults`): refetch if shown. */
  onLabResults?(change: LabResultsChanged): void;
  destroy(): void;
}

type Names = Pick<AppContext, "catalog" | "lang">;

/** Names in the UI language, English where the catalog has none in it. */
export function parameterName(ctx: Names, code: string): string {
  return ctx.catalog.parameterName(code, ctx.lang);
}

export function stationName(ctx: Names, id: string): string {
  return ctx.catalog.stationName(id, ctx.lang);
}

export function riverName(ctx: Names, id: string): string {
  const river = ctx.catalog.river(id);
  return river ? localName(river.name, ctx.lang) : id;
}

export function regionName(ctx: Names, id: string): string {
  const region = ctx.catalog.region(id);
  return region ? localName(region.name, ctx.lang) : id;
}

/** "Kurt-Schwabe-Institut Meinsberg (simulated) CBZ-MIP prototype 2 · KSI-CBZ-MIP-P2": make, model and id. */
export function sensorLabel(sensor: Pick<Sensor, "id" | "make" | "model">): string {
  return `${sensor.make} ${sensor.model} · ${sensor.id}`;
}
