// What every page receives from the shell: API and live clients, preferences, the catalog, and a
// translator for the current language.
import type { Parameter, Station } from "../../common/catalog.ts";
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
  stations: Station[];
  parameters: Map<string, Parameter>;
  sources: Record<string, string>;
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
  destroy(): void;
}

/** Parameter display name; catalog names stay untranslated (they are international names). */
export function parameterName(ctx: AppContext, code: string): string {
  return ctx.parameters.get(code)?.name ?? code;
}
