// Where a webhook may go, checked when the subscription is made and again at every delivery.
// Two rules (webhook-target.ts has the address ranges):
// - Never the InfluxDB the server uses (its HTTP port, and its RPC port for backup and restore), nor
//   the server's own port — in every mode, also with
//   WEBHOOK_ALLOW_LOCAL=true. InfluxDB 1.x runs the `q` of a POST's URL, so a webhook to
//   http://127.0.0.1:8086/query?q=DROP DATABASE … would have the server delete its own data; a
//   webhook to its own port would loop. Judged on addresses, so 127.0.0.2, localhost, a name
//   resolving to 127.0.0.1 or one of this machine's interface addresses are caught too.
// - Without WEBHOOK_ALLOW_LOCAL, no loopback, private or link-local address at all.
import type { LookupAddress } from "node:dns";
import net, { type LookupFunction } from "node:net";
import os from "node:os";
import { displayUrl } from "../util/safe-url.ts";
import { bareHost, guardedLookup, isLocalhostName, localAddressProblem, systemResolve, type Resolve } from "./webhook-target.ts";

export interface WebhookGuardOptions {
  /** Loopback, private and link-local targets allowed (WEBHOOK_ALLOW_LOCAL). */
  allowLocal: boolean;
  /** The InfluxDB the server uses (managed or INFLUX_URL). */
  influxUrl: string;
  /** InfluxDB's other ports on the same host: the RPC (backup/restore) port (asked each time: a restart may move it). */
  influxOtherPorts?: () => number[];
  /** The server's HTTP port (0 until it listens). */
  ownPort: () => number;
  resolve?: Resolve;
}

const NEVER_HINT = "webhooks may never go there, whatever WEBHOOK_ALLOW_LOCAL says";

export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}

/** ::ffff:127.0.0.1 → 127.0.0.1, lower case otherwise. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

/** An address that reaches this machine: loopback, "any", or one of its interfaces' addresses. */
function isThisMachine(address: string): boolean {
  const a = plain(address);
  if (a === "0.0.0.0" || a === "::" || a === "::1" || (net.isIPv4(a) && a.startsWith("127."))) return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => plain(i.address) === a));
}

export class WebhookGuard {
  private readonly resolve: Resolve;
  private readonly influx: URL;

  constructor(private readonly options: WebhookGuardOptions) {
    this.resolve = options.resolve ?? systemResolve;
    this.influx = new URL(options.influxUrl);
  }

  /**
   * At subscription time: the URL's host as written, then (when DNS answers) every address it
   * resolves to. A name that does not resolve yet is accepted: every delivery checks again.
   */
  async subscriptionProblem(url: URL): Promise<string | undefined> {
    const literal = await this.literalProblem(url);
    if (literal || net.isIP(bareHost(url)) || isLocalhostName(bareHost(url))) return literal;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(bareHost(url));
    } catch {
      return undefined;
    }
    return this.addressesProblem(bareHost(url), addresses, portOf(url));
  }

  /**
   * Judged without DNS: IP literals and localhost names (http.request makes no lookup for an IP
   * literal, so delivery checks these here), and InfluxDB's own host name.
   */
  async literalProblem(url: URL): Promise<string | undefined> {
    const host = bareHost(url);
    const port = portOf(url);
    if (host === bareHost(this.influx) && this.isInfluxPort(port)) return this.influxProblem();
    if (isLocalhostName(host)) return this.addressesProblem(host, [{ address: "127.0.0.1", family: 4 }], port);
    const family = net.isIP(host);
    if (family) return this.addressesProblem(host, [{ address: host, family }], port);
    return undefined;
  }

  /** The `lookup` for delivering to `port`: refuses addresses the rules above forbid. */
  lookupFor(port: number): LookupFunction {
    return guardedLookup((hostname, addresses) => this.addressesProblem(hostname, addresses, port), this.resolve);
  }

  private async addressesProblem(host: string, addresses: LookupAddress[], port: number): Promise<string | undefined> {
    const influx = await this.influxAddresses();
    for (const { address } of addresses) {
      const a = plain(address);
      const machine = isThisMachine(a);
      if (machine && port === this.options.ownPort()) return `webhookUrl ${host}:${port} points at this server's own port; ${NEVER_HINT}`;
      if (this.isInfluxPort(port) && influx.some((i) => i === a || (machine && isThisMachine(i)))) return this.influxProblem();
    }
    return this.options.allowLocal ? undefined : localAddressProblem(host, addresses);
  }

  private isInfluxPort(port: number): boolean {
    return port === portOf(this.influx) || (this.options.influxOtherPorts?.() ?? []).includes(port);
  }

  private influxProblem(): string {
    return `webhookUrl points at the InfluxDB Water Monitor stores its data in (${displayUrl(this.influx)}); ${NEVER_HINT}`;
  }

  /** The addresses InfluxDB's host stands for now (asked each time: rare, and DNS may change). */
  private async influxAddresses(): Promise<string[]> {
    const host = bareHost(this.influx);
    if (net.isIP(host)) return [plain(host)];
    if (isLocalhostName(host)) return ["127.0.0.1", "::1"];
    try {
      return (await this.resolve(host)).map((a) => plain(a.address));
    } catch {
      return [];
    }
  }
}
