// Live connections are authorised at the handshake; this keeps them honest afterwards. When rights
// change — logout, "log out everywhere", an API token revoked, a user disabled, demoted or deleted,
// the public dashboard turned off — the affected sockets' credentials are resolved again, and
// periodically all of them (sessions and tokens expire without an event). A socket whose
// credentials no longer admit the same user, or anyone, is disconnected (the dashboard reconnects
// and the handshake decides afresh, e.g. as an anonymous visitor); one whose user kept a lower role
// carries on with that role. While the metadata database cannot answer (PostgreSQL down, issue #21)
// a socket stays as it is: credentials that cannot be checked have not ended, and nobody can revoke
// them meanwhile; the first re-check after it is back decides.
import type { AuthServices, Principal } from "../auth/access.ts";
import { MetaUnavailableError } from "../errors.ts";
import type { Logger } from "../../../common/logger.ts";
import type { Scheduler } from "../util/clock.ts";
import { livePrincipal, userRoom, type LiveSocketData, type OrganisationsOf } from "./live-auth.ts";
import type { LiveServer } from "./live-hub.ts";

/** Whose sockets to check: one user's, the anonymous ones, or all. */
export type RecheckScope = { userId: number } | "anonymous" | "all";

export interface RecheckResult {
  checked: number;
  disconnected: number;
  downgraded: number;
  /** Left as they were: the metadata database could not answer. */
  unanswered: number;
}

/** The metadata database could not answer: the socket's rights are not known now. */
const UNANSWERED = Symbol("unanswered");

async function stillValid(auth: AuthServices, data: LiveSocketData): Promise<Principal | undefined | typeof UNANSWERED> {
  try {
    const now = await livePrincipal(auth, data.credentials);
    return now && now.userId === data.principal.userId ? now : undefined;
  } catch (err) {
    if (err instanceof MetaUnavailableError) return UNANSWERED;
    return undefined; // an API token that is revoked or expired, or whose account is disabled
  }
}

export class LiveAccess {
  private stopTimer: (() => void) | undefined;

  constructor(
    private readonly io: LiveServer,
    private readonly auth: AuthServices,
    private readonly logger: Logger,
    /** Organisation memberships follow as well (data review: whose unreleased data a connection receives). */
    private readonly organisationsOf?: OrganisationsOf,
  ) {}

  /** Checks the sockets in `scope` against their credentials now; disconnects or downgrades them. */
  async recheck(scope: RecheckScope = "all"): Promise<RecheckResult> {
    const result: RecheckResult = { checked: 0, disconnected: 0, downgraded: 0, unanswered: 0 };
    const sockets = [...this.io.of("/").sockets.values()];
    const room = typeof scope === "object" ? this.io.of("/").adapter.rooms.get(userRoom(scope.userId)) : undefined;
    for (const socket of sockets) {
      const data = socket.data as LiveSocketData;
      if (!data.principal) continue; // handshake not finished
      if (typeof scope === "object" && !room?.has(socket.id)) continue;
      if (scope === "anonymous" && data.principal.userId !== null) continue;
      result.checked++;
      const now = await stillValid(this.auth, data);
      if (!socket.connected) continue; // gone while we asked
      if (now === UNANSWERED) {
        result.unanswered++;
        continue;
      }
      if (!now) {
        result.disconnected++;
        socket.disconnect(true);
      } else if (now.role !== data.principal.role) {
        result.downgraded++;
        data.principal = now;
      }
      if (now && now.userId !== null && this.organisationsOf) data.organisations = await this.organisationsOf(now.userId).catch(keepWhenUnanswered(data.organisations));
    }
    if (result.disconnected || result.downgraded) this.logger.info({ scope, ...result }, "live connections re-checked");
    return result;
  }

  /** Re-checks every socket every `intervalMs` (session and token expiry). */
  start(scheduler: Scheduler, intervalMs: number): void {
    this.stopTimer = scheduler.every(intervalMs, () => {
      this.recheck("all").catch((err: unknown) => this.logger.warn({ reason: (err as Error).message }, "re-checking live connections failed"));
    });
  }

  stop(): void {
    this.stopTimer?.();
  }
}

/** What was known before, when the metadata database cannot answer now; any other failure stands. */
function keepWhenUnanswered<T>(known: T): (err: unknown) => T {
  return (err) => {
    if (err instanceof MetaUnavailableError) return known;
    throw err;
  };
}
