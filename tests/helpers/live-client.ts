// A real socket.io client of the live API, as the dashboard connects (WebSocket transport).
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../common/events.ts";

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects to `url` (anonymously, or with a personal API token) and resolves once connected. */
export async function connectLive(url: string, token?: string): Promise<LiveClient> {
  const socket: LiveClient = connect(url, { transports: ["websocket"], forceNew: true, ...(token ? { auth: { token } } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}
