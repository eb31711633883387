// What each live connection may receive (data review): readings arrive raw, so a series' live
// readings go to everyone watching its station only if raw data is released, or if the operator
// shows provisional data to everyone (then labelled provisional); otherwise — and always under an
// embargo — only to the owning organisation's members and admins. The rules are read once a second
// at most (and again at once after a change of settings or embargoes), not per reading. While the
// metadata database cannot answer (PostgreSQL down, issue #21) the settings and embargoes read last
// go on being used — nobody can change them meanwhile — so live readings keep flowing instead of
// being dropped until it is back (as station tokens verified before an outage stay valid).
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { EmbargoInfo, ReleasePolicy } from "../../../common/review.ts";
import type { SettingsRepository } from "../auth/settings.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { MetaUnavailableError } from "../errors.ts";
import type { Clock } from "../util/clock.ts";
import { AccessPolicy, activeEmbargoes, type Viewer } from "./access-policy.ts";
import type { ReviewRepository } from "./review-repository.ts";

const NOBODY: Viewer = Object.freeze({ admin: false, organisations: new Set<string>() });

/** A live connection's reader: admin or not, and their organisations. */
export interface LiveViewer {
  admin: boolean;
  organisations: readonly string[];
}

export class LiveRules {
  private readonly policies = new Map<string, AccessPolicy>();
  readonly outsider: AccessPolicy;

  constructor(
    private readonly release: ReleasePolicy,
    private readonly embargoes: readonly EmbargoInfo[],
    private readonly catalog: CatalogSnapshot,
  ) {
    this.outsider = new AccessPolicy(NOBODY, release, embargoes, catalog);
  }

  /** Labels of live (raw) readings: provisional unless raw data is released. */
  get provisional(): boolean {
    return !this.outsider.released("raw");
  }

  policy(viewer: LiveViewer): AccessPolicy {
    const key = `${viewer.admin ? "admin" : ""}|${[...viewer.organisations].sort().join(",")}`;
    let policy = this.policies.get(key);
    if (!policy) {
      policy = new AccessPolicy({ admin: viewer.admin, organisations: new Set(viewer.organisations) }, this.release, this.embargoes, this.catalog);
      this.policies.set(key, policy);
    }
    return policy;
  }

  /** Whether a viewer receives live readings of the series (raw level). */
  receives(viewer: LiveViewer | AccessPolicy, series: { station: string; sensor: string }): boolean {
    const policy = viewer instanceof AccessPolicy ? viewer : this.policy(viewer);
    const access = policy.access(series);
    return policy.visible(access.kind, "raw");
  }
}

/** What the rules are made of, as the database last gave it. */
interface StoredRules {
  release: ReleasePolicy;
  embargoes: readonly EmbargoInfo[];
}

export class LiveVisibility {
  private cached: { at: number; rules: Promise<LiveRules> } | null = null;
  private lastRead: StoredRules | undefined;

  constructor(
    private readonly settings: Pick<SettingsRepository, "get">,
    private readonly review: Pick<ReviewRepository, "embargoes">,
    private readonly catalog: CatalogSource,
    private readonly clock: Clock,
    private readonly ttlMs = 1_000,
  ) {
    catalog.onChange(() => this.invalidate());
  }

  /** Settings or embargoes changed: the next emit reads them again. */
  invalidate(): void {
    this.cached = null;
  }

  rules(): Promise<LiveRules> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.rules;
    const rules = (async () => {
      const stored = await this.read();
      // Embargoes are judged against now, also those read before an outage (one may end meanwhile).
      return new LiveRules(stored.release, activeEmbargoes(stored.embargoes, now), this.catalog.current());
    })();
    this.cached = { at: now, rules };
    rules.catch(() => {
      if (this.cached?.rules === rules) this.cached = null;
    });
    return rules;
  }

  private async read(): Promise<StoredRules> {
    try {
      const [settings, embargoes] = await Promise.all([this.settings.get(), this.review.embargoes()]);
      this.lastRead = { release: { releaseLevel: settings.releaseLevel, publicProvisional: settings.publicProvisional }, embargoes };
      return this.lastRead;
    } catch (err) {
      if (err instanceof MetaUnavailableError && this.lastRead) return this.lastRead;
      throw err;
    }
  }
}
