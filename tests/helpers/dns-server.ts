// A DNS server of the test's own (UDP on 127.0.0.1, RFC 1035 wire format) whose A records the test
// changes at will: what an attacker's name server does for DNS rebinding (a public address when the
// webhook is checked, 127.0.0.1 when it is delivered). `resolve` asks it over the real protocol
// through node's own DNS client, as the server's webhook guard asks the system's resolver.
import { createSocket } from "node:dgram";
import dns, { type LookupAddress } from "node:dns";

export interface TestDnsServer {
  /** Sets (or with undefined removes) the IPv4 address a name resolves to. */
  set(name: string, address: string | undefined): void;
  /** Resolves a name through this server (A records), as a webhook resolver. */
  resolve(hostname: string): Promise<LookupAddress[]>;
  /** Questions received so far. */
  queries(): string[];
  close(): Promise<void>;
}

const TYPE_A = 1;

/** The question's name (labels), and where the question ends. */
function readQuestion(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i]! > 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("ascii"));
    i += len + 1;
  }
  return { name: labels.join(".").toLowerCase(), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const records = new Map<string, string>();
  const asked: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (msg, peer) => {
    if (msg.length < 17) return;
    const { name, type, end } = readQuestion(msg);
    asked.push(name);
    const address = records.get(name);
    const answer = address !== undefined && type === TYPE_A;
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    // QR, opcode 0, RD copied, RA; NXDOMAIN for names we do not know.
    header.writeUInt16BE(0x8180 | (address === undefined ? 3 : 0), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const parts = [header, msg.subarray(12, end)];
    if (answer) {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
      rr.writeUInt16BE(TYPE_A, 2);
      rr.writeUInt16BE(1, 4); // class IN
      rr.writeUInt32BE(0, 6); // TTL 0: never cached
      rr.writeUInt16BE(4, 10);
      address.split(".").forEach((octet, k) => rr.writeUInt8(Number(octet), 12 + k));
      parts.push(rr);
    }
    socket.send(Buffer.concat(parts), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const resolver = new dns.promises.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${socket.address().port}`]);
  return {
    set: (name, address) => (address === undefined ? records.delete(name.toLowerCase()) : records.set(name.toLowerCase(), address)),
    resolve: async (hostname) => (await resolver.resolve4(hostname)).map((address) => ({ address, family: 4 })),
    queries: () => [...asked],
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
