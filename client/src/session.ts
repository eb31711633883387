// Who is using the dashboard: the current session (user, role, CSRF token), loaded from the server
// and replaced on login and logout. Keeps ApiClient's CSRF token in step and tells listeners.
import type { ApiClient } from "./api.ts";
import type { AuthApi, SessionInfo } from "./auth-api.ts";

export type SessionListener = (session: Readonly<SessionInfo>) => void;

export class SessionStore {
  private session: SessionInfo | undefined;
  private loading: Promise<SessionInfo> | undefined;
  /** "user id|role" of the last loaded session, to tell listeners of real changes only. */
  private identity: string | undefined;
  private readonly listeners = new Set<SessionListener>();

  constructor(
    private readonly api: ApiClient,
    private readonly auth: AuthApi,
  ) {}

  /** The session as last loaded; undefined before the first load. */
  get current(): Readonly<SessionInfo> | undefined {
    return this.session;
  }

  /** The current session, loading it once. */
  ensure(): Promise<SessionInfo> {
    if (this.session) return Promise.resolve(this.session);
    return this.refresh();
  }

  /** Asks the server again (after a 401, or when another tab may have logged out). */
  refresh(): Promise<SessionInfo> {
    this.loading ??= this.auth
      .session()
      .then((s) => this.set(s))
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  async login(username: string, password: string): Promise<SessionInfo> {
    const res = await this.auth.login(username, password);
    // Use the login's own answer for the CSRF token at once, then the full session picture.
    this.api.setCsrfToken(res.csrfToken, this.session?.csrfHeader);
    return this.refresh();
  }

  async logout(everywhere: boolean): Promise<SessionInfo> {
    try {
      if (everywhere) await this.auth.logoutEverywhere();
      else await this.auth.logout();
    } finally {
      // Whatever the server said, what counts now is what it thinks of this browser.
      this.session = undefined;
      this.api.setCsrfToken(null);
    }
    return this.refresh();
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(next: SessionInfo): SessionInfo {
    const key = `${next.user?.id ?? "-"}|${next.role ?? "-"}`;
    // Listeners hear of changes only: the first load is the starting point, not a change.
    const changed = this.identity !== undefined && this.identity !== key;
    this.identity = key;
    this.session = next;
    this.api.setCsrfToken(next.csrfToken, next.csrfHeader);
    if (changed) for (const l of this.listeners) l(next);
    return next;
  }
}
