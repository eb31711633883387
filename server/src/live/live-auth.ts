// socket.io handshake: the same principal rules as HTTP. On a login-only installation an anonymous
// client cannot connect; the principal is kept on the socket for room checks.
import type { Socket } from "socket.io";
import { SESSION_COOKIE, anonymous, resolvePrincipal, type AuthServices } from "../auth/access.ts";

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export const userRoom = (userId: number): string => `user:${userId}`;

export function liveAuthMiddleware(auth: AuthServices) {
  return async (socket: Socket, next: (err?: Error) => void): Promise<void> => {
    try {
      const token = typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : undefined;
      const principal = (await resolvePrincipal(auth, cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE), token)) ?? (await anonymous(auth));
      if (!principal.role) return next(new Error("unauthorized: log in to watch live data"));
      socket.data.principal = principal;
      // Lets logout end this user's live connections too (see userRoom).
      if (principal.userId !== null) void socket.join(userRoom(principal.userId));
      next();
    } catch (err) {
      next(new Error(`unauthorized: ${(err as Error).message}`));
    }
  };
}
