// Reads a station token the ways field gateways send it: `Authorization: Token …` (InfluxDB 1.x /
// Telegraf), `Authorization: Bearer …`, HTTP basic auth (password = token), or InfluxDB's `u`/`p`
// query parameters (p = token).
import type { Request } from "express";
import { UnauthorizedError } from "../errors.ts";
import type { StationGrant, StationTokenRepository } from "./station-tokens.ts";

export function presentedToken(req: Pick<Request, "headers" | "query">): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, ...rest] = header.trim().split(/\s+/);
    const value = rest.join(" ");
    switch (scheme?.toLowerCase()) {
      case "token":
      case "bearer":
        return value || undefined;
      case "basic": {
        const decoded = Buffer.from(value, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
      }
      default:
        return undefined;
    }
  }
  const p = req.query.p;
  return typeof p === "string" && p !== "" ? p : undefined;
}

export async function authenticateStation(req: Pick<Request, "headers" | "query">, tokens: StationTokenRepository): Promise<StationGrant> {
  const token = presentedToken(req);
  if (!token) {
    throw new UnauthorizedError(
      "A station write token is required: send `Authorization: Bearer <token>` (or `Token <token>`, basic auth, or ?p=<token>)",
    );
  }
  const grant = await tokens.verify(token);
  if (!grant) throw new UnauthorizedError("The station write token is unknown or revoked");
  return grant;
}
