// User preferences (language, concentration unit, time zone mode), remembered in localStorage,
// with change listeners. Created once in main.ts and passed to pages.
import type { ConcentrationUnit } from "./format.ts";
import { detectLanguage, isLanguage, type Language } from "./i18n/index.ts";

export type ZoneMode = "station" | "utc" | "local" | "cet";

/**
 * Central European Time all year, UTC+1 without summer time: the time German hydrological data are
 * kept in (MEZ). IANA's Etc zones count the other way round: Etc/GMT-1 is UTC+1.
 */
export const CET_ALL_YEAR = "Etc/GMT-1";

export interface Preferences {
  lang: Language;
  unit: ConcentrationUnit;
  zone: ZoneMode;
}

const STORAGE_KEY = "water-monitor.preferences";

export type PreferencesListener = (prefs: Readonly<Preferences>, changed: ReadonlySet<keyof Preferences>) => void;

export class PreferencesStore {
  private prefs: Preferences;
  private readonly listeners = new Set<PreferencesListener>();

  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem"> | undefined,
    browserLanguages: readonly string[],
  ) {
    this.prefs = { lang: detectLanguage(browserLanguages), unit: "ng/L", zone: "station" };
    const saved = readSaved(storage);
    if (isLanguage(saved.lang)) this.prefs.lang = saved.lang;
    if (saved.unit === "ng/L" || saved.unit === "µg/L") this.prefs.unit = saved.unit;
    if (saved.zone === "station" || saved.zone === "utc" || saved.zone === "local" || saved.zone === "cet") this.prefs.zone = saved.zone;
  }

  get(): Readonly<Preferences> {
    return this.prefs;
  }

  set(update: Partial<Preferences>): void {
    const changed = new Set<keyof Preferences>();
    for (const key of Object.keys(update) as Array<keyof Preferences>) {
      if (update[key] !== undefined && update[key] !== this.prefs[key]) changed.add(key);
    }
    if (changed.size === 0) return;
    this.prefs = { ...this.prefs, ...update };
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.prefs));
    } catch {
      // Private mode or full storage: the preference still applies for this visit.
    }
    for (const listener of this.listeners) listener(this.prefs, changed);
  }

  subscribe(listener: PreferencesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function readSaved(storage: Pick<Storage, "getItem"> | undefined): Record<string, unknown> {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The zone of a list or table: every row in it in one zone, UTC or CET all year when chosen, else the browser's.
 * Station time is for a single station's page only (a list of several stations' rows in their own
 * zones would mix CET and GMT+8 in one "newest first" order).
 */
export function listZone(mode: ZoneMode): string | undefined {
  return mode === "utc" ? "UTC" : mode === "cet" ? CET_ALL_YEAR : undefined;
}

/** A zone's name for a header: its IANA name, the browser's own for undefined. */
export function zoneName(zone: string | undefined): string {
  if (zone === CET_ALL_YEAR) return "UTC+1 (CET)";
  return zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The IANA zone to show a single station's page in, or undefined for the browser's own. */
export function resolveZone(mode: ZoneMode, stationZone: string | undefined): string | undefined {
  if (mode === "utc" || mode === "cet") return listZone(mode);
  if (mode === "station") return stationZone;
  return undefined;
}
