// A real socket.io client of the live API, as the dashboard connects (WebSocket transport), and
// what tests of live rights wait for: a disconnect by the server, or none.
import { io as connect, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../common/events.ts";

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

async function open(url: string, options: Partial<ManagerOptions & SocketOptions>): Promise<LiveClient> {
  const socket: LiveClient = connect(url, { transports: ["websocket"], forceNew: true, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Connects to `url` (anonymously, or with a personal API token) and resolves once connected. */
export function connectLive(url: string, token?: string): Promise<LiveClient> {
  return open(url, token ? { auth: { token } } : {});
}

/** Connects with a session cookie or an API token, without reconnecting once the server drops it. */
export function connectLiveWith(url: string, credentials: { cookie?: string; token?: string }): Promise<LiveClient> {
  return open(url, {
    reconnection: false,
    auth: credentials.token ? { token: credentials.token } : {},
    extraHeaders: credentials.cookie ? { cookie: credentials.cookie } : {},
  });
}

/** The reason the socket is disconnected for, within `timeoutMs` (else rejects: still connected). */
export function disconnected(socket: LiveClient, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("still connected")), timeoutMs);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Connected still after the server had time to act. */
export async function stillConnected(socket: LiveClient): Promise<boolean> {
  await new Promise((r) => setTimeout(r, 500));
  return socket.connected;
}
