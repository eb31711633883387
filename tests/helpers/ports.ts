// Ports for the servers tests start themselves (PostgreSQL, Redis, HAProxy): a free one on 127.0.0.1
// (below the ephemeral range, so no outgoing connection takes it while a restarted Redis is down),
// and whether something accepts connections there yet.
import net from "node:net";

export { freePort } from "../../server/src/influx/managed-influxd.ts";

export function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
