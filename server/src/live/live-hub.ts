// Live hub: socket.io rooms per station; accepted readings are buffered and emitted to each room
// in batches (every `intervalMs`) rather than one event per point.
import type { Server, Socket } from "socket.io";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SubscribeRequest } from "../../../common/events.ts";
import type { LiveSocketData } from "./live-auth.ts";
import type { AlertEvent } from "../../../common/alerts.ts";
import type { Reading } from "../../../common/reading.ts";
import type { Logger } from "../../../common/logger.ts";

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;

const EVENTS_PER_SECOND = 20;

const roomNames = new Map<string, string>();
/** The room of a station's watchers (names memoised: publish asks once per reading). */
export function stationRoom(station: string): string {
  let room = roomNames.get(station);
  if (room === undefined) {
    room = `station:${station}`;
    if (roomNames.size < 10_000) roomNames.set(station, room);
  }
  return room;
}

export class LiveHub {
  private buffer = new Map<string, Reading[]>();
  private timer: NodeJS.Timeout | undefined;
  private readonly stopCatalogWatch: () => void;

  constructor(
    private readonly io: LiveServer,
    private readonly logger: Logger,
    private readonly catalog: CatalogSource,
    private readonly intervalMs = 10,
  ) {
    io.on("connection", (socket) => this.onConnection(socket));
    // Open dashboards reload the catalog; rooms of new stations exist as soon as someone joins them
    // (subscriptions are checked against the current catalog).
    this.stopCatalogWatch = catalog.onChange((snapshot) => this.io.emit("catalogChanged", { version: snapshot.version }));
  }

  publish(readings: readonly Reading[]): void {
    const rooms = this.io.of("/").adapter.rooms;
    for (const r of readings) {
      // Nobody watches this station: nothing to collect (backfills pass through here by the million).
      if (!rooms.get(stationRoom(r.station))?.size) continue;
      let list = this.buffer.get(r.station);
      if (!list) this.buffer.set(r.station, (list = []));
      list.push(r);
    }
    if (!this.timer && this.buffer.size > 0) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Alerts go to every connected client at once: they are rare, and a toast must not wait for a batch. */
  publishAlert(event: AlertEvent): void {
    this.io.emit("alert", event);
  }

  close(): void {
    this.stopCatalogWatch();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const buffer = this.buffer;
    this.buffer = new Map();
    const rooms = this.io.of("/").adapter.rooms;
    for (const [station, readings] of buffer) {
      const room = stationRoom(station);
      // Serialising for an empty room costs as much as for a full one.
      if (rooms.get(room)?.size) this.io.to(room).emit("readings", readings);
    }
  }

  private onConnection(socket: LiveSocket): void {
    socket.data.stations = new Set();
    // At most EVENTS_PER_SECOND requests per client; a flood disconnects it.
    let windowStart = 0;
    let eventsInWindow = 0;
    socket.use((_packet, next) => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        eventsInWindow = 0;
      }
      if (++eventsInWindow > EVENTS_PER_SECOND) {
        this.logger.warn({ id: socket.id }, "live client exceeded the event rate; disconnecting");
        socket.disconnect(true);
        return;
      }
      next();
    });
    socket.on("subscribe", (request, ack) => {
      const problem = validateRequest(request, this.catalog);
      if (problem) return safeAck(ack, { ok: false, msg: problem });
      for (const station of request.stations) {
        socket.data.stations.add(station);
        void socket.join(stationRoom(station));
      }
      safeAck(ack, { ok: true });
    });
    socket.on("unsubscribe", (request, ack) => {
      const problem = validateRequest(request, this.catalog);
      if (problem) return safeAck(ack, { ok: false, msg: problem });
      for (const station of request.stations) {
        socket.data.stations.delete(station);
        void socket.leave(stationRoom(station));
      }
      safeAck(ack, { ok: true });
    });
    this.logger.debug({ id: socket.id }, "live client connected");
  }
}

function validateRequest(request: SubscribeRequest | undefined, source: CatalogSource): string | undefined {
  if (!request || !Array.isArray(request.stations)) return "expected { stations: string[] }";
  if (request.stations.length > 100) return "at most 100 stations per request";
  const catalog = source.current();
  const unknown = request.stations.filter((s) => typeof s !== "string" || !catalog.station(s));
  return unknown.length > 0 ? `unknown station(s): ${unknown.map(String).join(", ")}` : undefined;
}

function safeAck(ack: unknown, response: { ok: boolean; msg?: string }): void {
  if (typeof ack === "function") ack(response);
}
