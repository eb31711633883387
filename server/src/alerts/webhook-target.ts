// Where webhooks may go. The URL is chosen by a user and the server POSTs to it, so without a check a
// subscriber could aim it at InfluxDB's /query on 127.0.0.1, an admin interface on the agency network
// or a cloud metadata service, and have the server send requests there on their behalf (server-side
// request forgery). By default webhooks therefore go to public addresses only: the literal host is
// checked when a subscription is made, and every address a host name resolves to is checked again at
// delivery (DNS can change in between). Operators whose receivers live on their own network allow
// local targets with WEBHOOK_ALLOW_LOCAL=true.
import dns, { type LookupAddress } from "node:dns";
import net, { type LookupFunction } from "node:net";

const LOCAL_RANGES = new net.BlockList();
const IPV4_LOCAL: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];
const IPV6_LOCAL: Array<[string, number]> = [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96], // NAT64
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
];
for (const [prefix, bits] of IPV4_LOCAL) LOCAL_RANGES.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of IPV6_LOCAL) LOCAL_RANGES.addSubnet(prefix, bits, "ipv6");
// IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are matched against the IPv4 ranges by BlockList itself.

export const ALLOW_LOCAL_HINT = "webhooks go to public addresses unless the operator sets WEBHOOK_ALLOW_LOCAL=true";

/** True for loopback, private, link-local and other non-public IPv4/IPv6 addresses. */
export function isLocalAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return LOCAL_RANGES.check(address, "ipv4");
  if (family === 6) return LOCAL_RANGES.check(address, "ipv6");
  return false;
}

/** The URL's host without IPv6 brackets or a trailing dot, lower-cased. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
}

/** "localhost" and its subdomains always mean this machine (RFC 6761 §6.3), whatever DNS says. */
export function isLocalhostName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

/**
 * What is wrong with the URL's host as a webhook target, judged without DNS: an IP literal in a local
 * range or a localhost name. undefined when it may be a public host (delivery checks the addresses).
 */
export function localTargetProblem(url: URL): string | undefined {
  const host = bareHost(url);
  if (isLocalhostName(host) || isLocalAddress(host)) {
    return `webhookUrl points at a local-network address (${host}); ${ALLOW_LOCAL_HINT}`;
  }
  return undefined;
}

/** Every address a host name resolves to (the system's resolver by default; tests use their own DNS server). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** What is wrong with connecting to these addresses of `hostname`, or undefined when nothing is. */
export type AddressCheck = (hostname: string, addresses: LookupAddress[]) => Promise<string | undefined>;

/**
 * A `lookup` for http.request that resolves with `resolve` and refuses to connect when `check`
 * objects to the addresses: checked on the very addresses the connection will use, so a name that
 * pointed elsewhere when the webhook was made (DNS rebinding) is caught at delivery.
 */
export function guardedLookup(check: AddressCheck, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : (options.family ?? 0);
    void (async () => {
      let addresses: LookupAddress[];
      try {
        addresses = (await resolve(hostname)).filter((a) => family === 0 || a.family === family);
      } catch (err) {
        return callback(err as NodeJS.ErrnoException, []);
      }
      const problem = await check(hostname, addresses);
      if (problem) {
        const refused: NodeJS.ErrnoException = new Error(problem);
        refused.code = "EWEBHOOKREFUSED";
        return callback(refused, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    })();
  };
}

/** The local-network check alone, as a delivery lookup (no WEBHOOK_ALLOW_LOCAL). */
export function publicOnlyLookup(resolve: Resolve = systemResolve): LookupFunction {
  return guardedLookup(async (hostname, addresses) => localAddressProblem(hostname, addresses), resolve);
}

/** "… resolves to a local-network address (…)" when one of the addresses is local. */
export function localAddressProblem(hostname: string, addresses: readonly LookupAddress[]): string | undefined {
  const local = addresses.find((a) => isLocalAddress(a.address));
  if (!local) return undefined;
  return local.address === hostname
    ? `webhookUrl points at a local-network address (${hostname}); ${ALLOW_LOCAL_HINT}`
    : `${hostname} resolves to a local-network address (${local.address}); ${ALLOW_LOCAL_HINT}`;
}
