// Live hub: socket.io rooms per station; accepted readings are buffered and emitted to each room
// in batches (every `intervalMs`) rather than one event per point. With a data review, each reading
// and alert reaches only the connections that may see it (review/live-visibility.ts): readings
// everyone may see go to the station's room, the others to the members' connections in it.
// Everything goes to this instance's connections only (io.local): with several instances each hub is
// handed every instance's readings and alerts (cluster/redis-cluster.ts) and judges its own clients.
import type { Server, Socket } from "socket.io";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { ClientToServerEvents, InterServerEvents, LiveReading, ServerToClientEvents, SubscribeRequest } from "../../../common/events.ts";
import type { AccessPolicy } from "../review/access-policy.ts";
import type { LiveRules } from "../review/live-visibility.ts";
import type { LiveSocketData } from "./live-auth.ts";
import type { AlertEvent } from "../../../common/alerts.ts";
import type { Reading } from "../../../common/reading.ts";
import type { Logger } from "../../../common/logger.ts";
import { seriesOfBatch } from "../ingest/batch-series.ts";

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;

const EVENTS_PER_SECOND = 20;

/** Who may receive what (data review); without it every client receives everything. */
export interface LiveAudience {
  rules(): Promise<LiveRules>;
  /** Judges an alert for any reader's policy (its series, its level when it started). */
  judgeAlert(event: AlertEvent): Promise<(policy: AccessPolicy) => { visible: boolean; provisional: boolean }>;
}

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

/**
 * Packets a connection may have queued unsent (its network or tab not keeping up) before it is
 * closed: at the default 10 ms flush interval about a second of one station's readings.
 */
export const DEFAULT_MAX_BACKLOG = 100;

export class LiveHub {
  private buffer = new Map<string, Reading[]>();
  /** Packets each connection has queued since its transport last took them. */
  private readonly backlog = new WeakMap<LiveSocket, { packets: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly stopCatalogWatch: () => void;
  /** Emits one after another: a slow rule look-up must not let a later batch overtake an earlier one. */
  private emitting: Promise<void> = Promise.resolve();

  constructor(
    private readonly io: LiveServer,
    private readonly logger: Logger,
    private readonly catalog: CatalogSource,
    private readonly intervalMs = 10,
    private readonly audience?: LiveAudience,
    private readonly maxBacklog = DEFAULT_MAX_BACKLOG,
  ) {
    io.on("connection", (socket) => this.onConnection(socket));
    // Open dashboards reload the catalog; rooms of new stations exist as soon as someone joins them
    // (subscriptions are checked against the current catalog).
    this.stopCatalogWatch = catalog.onChange((snapshot) => this.io.emit("catalogChanged", { version: snapshot.version }));
  }

  publish(readings: readonly Reading[]): void {
    const rooms = this.io.of("/").adapter.rooms;
    // Whether anyone watches, asked once per series of the batch (ingest/batch-series.ts): nobody
    // watching is the usual case for a backfill, which passes through here by the million.
    const { series, indexOf } = seriesOfBatch(readings);
    let watched: Uint8Array | undefined;
    for (let s = 0; s < series.length; s++) {
      if (rooms.get(stationRoom(series[s]!.station))?.size) (watched ??= new Uint8Array(series.length))[s] = 1;
    }
    if (watched) {
      for (let i = 0; i < readings.length; i++) {
        if (!watched[indexOf[i]!]) continue;
        const r = readings[i]!;
        let list = this.buffer.get(r.station);
        if (!list) this.buffer.set(r.station, (list = []));
        list.push(r);
      }
    }
    if (!this.timer && this.buffer.size > 0) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  /**
   * Alerts go to every connected client that may see them at once: they are rare, and a toast must
   * not wait for a batch.
   */
  publishAlert(event: AlertEvent): void {
    if (!this.audience) {
      this.io.local.emit("alert", event);
      return;
    }
    this.emitting = this.emitting
      .then(async () => {
        const [rules, judge] = await Promise.all([this.audience!.rules(), this.audience!.judgeAlert(event)]);
        const everyone = judge(rules.outsider);
        if (everyone.visible) {
          this.io.local.emit("alert", everyone.provisional ? { ...event, provisional: true } : event);
          return;
        }
        // Not for everyone: the connections whose readers may see it (members, admins).
        for (const socket of this.io.of("/").sockets.values()) {
          const viewer = viewerOf(socket);
          if (!viewer) continue;
          const verdict = judge(rules.policy(viewer));
          if (verdict.visible) socket.emit("alert", verdict.provisional ? { ...event, provisional: true } : event);
        }
      })
      .catch((err: unknown) => this.logger.error({ err, alert: event.id }, "could not send a live alert"));
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
    this.dropLaggards(buffer.keys());
    if (!this.audience) {
      this.send(buffer);
      return;
    }
    const audience = this.audience;
    this.emitting = this.emitting
      .then(async () => this.emitTo(buffer, await audience.rules()))
      .catch((err: unknown) => this.logger.error({ err }, "could not send live readings"));
  }

  /**
   * Each station's batch to its watchers, one packet per connection per flush: a connection that
   * watches one of the stations (a station page) shares the station's packet with the room, encoded
   * once; one that watches several (an overview page, a map) gets their readings together in one
   * packet instead of one per station, encoded once for every connection watching the same ones.
   * Per-packet work (framing, a write per socket) is what a flush costs, so this bounds a flush by
   * the connections, not by the stations times their watchers.
   */
  private send(batches: ReadonlyMap<string, readonly LiveReading[]>): void {
    const rooms = this.io.of("/").adapter.rooms;
    const sockets = this.io.of("/").sockets;
    // Which of these stations each connection that subscribed to several watches, in `batches` order.
    const watched = new Map<string, string[]>();
    for (const station of batches.keys()) {
      for (const id of rooms.get(stationRoom(station)) ?? []) {
        if ((sockets.get(id)?.data.stations?.size ?? 0) <= 1) continue;
        const list = watched.get(id);
        if (list) list.push(station);
        else watched.set(id, [station]);
      }
    }
    const merged = (id: string) => (watched.get(id)?.length ?? 0) > 1;
    for (const [station, readings] of batches) {
      const room = stationRoom(station);
      const watchers = rooms.get(room);
      // Serialising for an empty room costs as much as for a full one.
      if (!watchers?.size || readings.length === 0) continue;
      let others = 0;
      for (const id of watchers) if (merged(id)) others++;
      if (others === 0) this.io.local.to(room).emit("readings", readings as LiveReading[]);
      else if (others < watchers.size) this.io.local.to([...watchers].filter((id) => !merged(id))).emit("readings", readings as LiveReading[]);
    }
    // Connections that watch the same changed stations share one packet.
    const groups = new Map<string, { stations: string[]; ids: string[] }>();
    for (const [id, stations] of watched) {
      if (stations.length < 2) continue;
      const key = stations.join("\n");
      const group = groups.get(key);
      if (group) group.ids.push(id);
      else groups.set(key, { stations, ids: [id] });
    }
    for (const { stations, ids } of groups.values()) this.io.local.to(ids).emit("readings", stations.flatMap((s) => batches.get(s)!) as LiveReading[]);
  }

  /**
   * A connection that does not keep up (its packets queue unsent: a slow link, a stalled tab) is
   * closed instead of being buffered without end; its dashboard reconnects and fetches what it
   * missed (resync), and the other watchers are not held up or starved of memory.
   */
  private dropLaggards(stations: Iterable<string>): void {
    const rooms = this.io.of("/").adapter.rooms;
    const sockets = this.io.of("/").sockets;
    for (const station of stations) {
      for (const id of rooms.get(stationRoom(station)) ?? []) {
        const socket = sockets.get(id);
        const packets = socket ? (this.backlog.get(socket)?.packets ?? 0) : 0;
        if (socket && packets > this.maxBacklog) {
          this.logger.warn({ id, packets }, "live client is not keeping up; closing its connection (it resyncs when it reconnects)");
          this.backlog.delete(socket);
          // Discard what is queued: waiting for it to drain is what this client cannot do.
          socket.conn.close(true);
        }
      }
    }
  }

  /** Readings everyone may see to the station's watchers (send); the rest to the connections of those who may. */
  private emitTo(buffer: Map<string, Reading[]>, rules: LiveRules): void {
    const rooms = this.io.of("/").adapter.rooms;
    const sockets = this.io.of("/").sockets;
    const provisional = rules.provisional;
    const everyone = new Map<string, LiveReading[]>();
    for (const [station, readings] of buffer) {
      const watchers = rooms.get(stationRoom(station));
      if (!watchers?.size) continue;
      const open: LiveReading[] = [];
      const restricted = new Map<string, LiveReading[]>();
      for (const r of readings) {
        const labelled: LiveReading = provisional ? { ...r, provisional: true } : r;
        if (rules.receives(rules.outsider, r)) open.push(labelled);
        else {
          const list = restricted.get(r.sensor) ?? [];
          list.push(labelled);
          restricted.set(r.sensor, list);
        }
      }
      if (open.length > 0) everyone.set(station, open);
      for (const list of restricted.values()) {
        const ids: string[] = [];
        for (const id of watchers) {
          const viewer = viewerOf(sockets.get(id));
          if (viewer && rules.receives(viewer, list[0]!)) ids.push(id);
        }
        if (ids.length > 0) this.io.local.to(ids).emit("readings", list);
      }
    }
    this.send(everyone);
  }

  private onConnection(socket: LiveSocket): void {
    socket.data.stations = new Set();
    // engine.io queues packets while the transport is busy sending; "drain" is when it took them all.
    const backlog = { packets: 0 };
    this.backlog.set(socket, backlog);
    socket.conn.on("packetCreate", () => backlog.packets++);
    socket.conn.on("drain", () => (backlog.packets = 0));
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

/** The reader of a live connection, once its handshake is done. */
function viewerOf(socket: LiveSocket | undefined): { admin: boolean; organisations: readonly string[] } | undefined {
  const data = socket?.data as Partial<LiveSocketData> | undefined;
  if (!data?.principal) return undefined;
  return { admin: data.principal.role === "admin", organisations: data.organisations ?? [] };
}
