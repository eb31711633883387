// Origin check for the socket.io handshake (cross-site WebSocket hijacking). Browsers send Origin on
// every WebSocket handshake and cross-origin request; a page on another site that opens a live
// connection would otherwise ride on the visitor's session cookie. Allowed: the server's own origin
// (the Origin's host equals the Host the browser connected to; a TLS proxy in front changes the
// scheme, not the host) and PUBLIC_URL's origin (a proxy that rewrites Host). No Origin at all is
// a script or a same-origin polling GET, which carry no foreign page's intent.
import type { IncomingMessage } from "node:http";

type AllowRequest = (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void;

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined; // "null" (sandboxed frames, file://) and garbage
  }
}

/** Why this Origin may not open a live connection, or undefined when it may. */
export function originProblem(origin: string | undefined, host: string | undefined, publicUrl: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  const fromHost = originHost(origin);
  if (fromHost !== undefined && host !== undefined && fromHost === host.toLowerCase()) return undefined;
  if (publicUrl !== undefined && new URL(publicUrl).origin === origin.toLowerCase()) return undefined;
  const where = publicUrl !== undefined ? new URL(publicUrl).origin : "this server's own address";
  return `Origin ${origin.slice(0, 200)} may not open live connections: open the dashboard at ${where} (operators behind a proxy set PUBLIC_URL)`;
}

export function originGuard(publicUrl: string | undefined): AllowRequest {
  return (req, callback) => {
    const problem = originProblem(req.headers.origin, req.headers.host, publicUrl);
    callback(problem ?? null, problem === undefined);
  };
}
