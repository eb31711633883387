// socket.io handshake: the same principal rules as HTTP. On a login-only installation an anonymous
// client cannot connect. The principal and the credentials it came from stay on the socket, so
// live-access.ts can check them again when rights change (logout, revocation, disabling, the
// public-dashboard switch) and periodically (expiry).
import type { Socket } from "socket.io";
import { SESSION_COOKIE, anonymous, resolvePrincipal, type AuthServices, type Principal } from "../auth/access.ts";

/** What a live client presented at the handshake. */
export interface LiveCredentials {
  sessionId: string | undefined;
  token: string | undefined;
}

/** Server-side data of a live socket (the client never sees it). */
export interface LiveSocketData {
  stations: Set<string>;
  principal: Principal;
  credentials: LiveCredentials;
  /** The organisations of the principal's user (data review: whose unreleased data it receives). */
  organisations: string[];
}

/** The organisations of a user (auth/memberships.ts); none for anonymous connections. */
export type OrganisationsOf = (userId: number) => Promise<string[]>;

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export const userRoom = (userId: number): string => `user:${userId}`;

/** The principal for these credentials now: undefined when they no longer admit anyone (or throw). */
export async function livePrincipal(auth: AuthServices, credentials: LiveCredentials): Promise<Principal | undefined> {
  const principal = (await resolvePrincipal(auth, credentials.sessionId, credentials.token)) ?? (await anonymous(auth));
  return principal.role ? principal : undefined;
}

export function liveAuthMiddleware(auth: AuthServices, organisationsOf?: OrganisationsOf) {
  return async (socket: Socket, next: (err?: Error) => void): Promise<void> => {
    try {
      const credentials: LiveCredentials = {
        sessionId: cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE),
        token: typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : undefined,
      };
      const principal = await livePrincipal(auth, credentials);
      if (!principal) return next(new Error("unauthorized: log in to watch live data"));
      const data = socket.data as Partial<LiveSocketData>;
      data.principal = principal;
      data.credentials = credentials;
      data.organisations = principal.userId !== null && organisationsOf ? await organisationsOf(principal.userId) : [];
      // Lets re-checks find this user's live connections (see live-access.ts).
      if (principal.userId !== null) void socket.join(userRoom(principal.userId));
      next();
    } catch (err) {
      next(new Error(`unauthorized: ${(err as Error).message}`));
    }
  };
}
