// The access policy of whoever is asking, assembled per request (or per live connection, per alert
// notice): their role and organisations, the operator's release settings, and the embargoes
// holding now. Every read path asks here; nothing is cached across requests, so a membership, a
// setting or an embargo changed a moment ago applies to the next read.
import type { Role } from "../../../common/auth-types.ts";
import type { Principal } from "../auth/access.ts";
import type { MembershipRepository } from "../auth/memberships.ts";
import type { SettingsRepository } from "../auth/settings.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { MetaTransaction } from "../meta/store.ts";
import type { Clock } from "../util/clock.ts";
import { AccessPolicy, activeEmbargoes } from "./access-policy.ts";
import type { ReviewRepository } from "./review-repository.ts";

export interface AccessSource {
  /** The same inside the caller's transaction (the alert notifier decides recipients there). */
  in(trx: MetaTransaction): AccessSource;
  /** The policy of a request's (or live connection's) principal. */
  forPrincipal(principal: Pick<Principal, "userId" | "role">): Promise<AccessPolicy>;
  /** The policies of several users at once (alert notices): by user id. */
  forUsers(users: ReadonlyArray<{ id: number; role: Role | null }>): Promise<Map<number, AccessPolicy>>;
}

export class ReviewAccess implements AccessSource {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly settings: SettingsRepository,
    private readonly review: ReviewRepository,
    private readonly catalog: CatalogSource,
    private readonly clock: Clock,
  ) {}

  in(trx: MetaTransaction): AccessSource {
    return new ReviewAccess(this.memberships.in(trx), this.settings.in(trx), this.review.in(trx), this.catalog, this.clock);
  }

  async forPrincipal(principal: Pick<Principal, "userId" | "role">): Promise<AccessPolicy> {
    const [organisations, settings, embargoes] = await Promise.all([
      principal.userId === null ? Promise.resolve([]) : this.memberships.of(principal.userId),
      this.settings.get(),
      this.review.embargoes(),
    ]);
    return new AccessPolicy(
      { admin: principal.role === "admin", organisations: new Set(organisations) },
      { releaseLevel: settings.releaseLevel, publicProvisional: settings.publicProvisional },
      activeEmbargoes(embargoes, this.clock.now()),
      this.catalog.current(),
    );
  }

  async forUsers(users: ReadonlyArray<{ id: number; role: Role | null }>): Promise<Map<number, AccessPolicy>> {
    const [memberships, settings, embargoes] = await Promise.all([this.memberships.list(), this.settings.get(), this.review.embargoes()]);
    const active = activeEmbargoes(embargoes, this.clock.now());
    const catalog = this.catalog.current();
    const release = { releaseLevel: settings.releaseLevel, publicProvisional: settings.publicProvisional };
    return new Map(
      users.map((u) => [
        u.id,
        new AccessPolicy({ admin: u.role === "admin", organisations: new Set(memberships.filter((m) => m.userId === u.id).map((m) => m.organisation)) }, release, active, catalog),
      ]),
    );
  }
}
