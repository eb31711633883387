// The one place where typed errors become HTTP status codes and JSON bodies
// `{ error: { code, message, details? } }`. No stack traces leave the server. Routes that mimic
// InfluxDB (`/write`, see influxErrorStyle) get InfluxDB's own shape `{ "error": "…" }`.
import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, BodyError, type ErrorDetail } from "../errors.ts";
import type { Logger } from "../../../common/logger.ts";

export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: { code: "not_found", message: `No route for ${req.method} ${req.originalUrl.split("?")[0]}` } });
  };
}

/**
 * Marks the rest of the request as InfluxDB-compatible: errors (including the rate limiter's,
 * which runs before the route) are answered as InfluxDB answers them.
 */
export function influxErrorStyle(): RequestHandler {
  return (_req, res, next) => {
    res.locals.errorStyle = "influx";
    next();
  };
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message: string;
}

/** body-parser's errors as typed errors; undefined for anything else. */
function bodyError(err: unknown): BodyError | undefined {
  const e = err as BodyParserError;
  if (e?.type === "entity.too.large") return new BodyError("payload_too_large", 413, `Request body exceeds the limit of ${e.limit} bytes`);
  if (e?.type === "entity.parse.failed") return new BodyError("malformed_json", 400, `Malformed JSON: ${e.message}`);
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) return new BodyError("bad_request", e.status, e.message);
  return undefined;
}

function influxStyle(message: string, details?: ErrorDetail[]): { error: string } {
  const lines = details?.filter((d) => d.message !== message) ?? [];
  const detail = lines.length
    ? `: ${lines.slice(0, 20).map((d) => (d.index !== undefined ? `line ${d.index + 1}: ${d.message}` : d.message)).join("; ")}`
    : "";
  return { error: `${message}${detail}` };
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof AppError ? err : bodyError(err);
    if (!known) {
      logger.error({ err, method: req.method, path: req.path }, "unhandled error");
      res.status(500).json(res.locals.errorStyle === "influx" ? { error: "internal server error" } : { error: { code: "internal", message: "Internal server error" } });
      return;
    }
    if (known.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(known.retryAfterSeconds));
    if (res.locals.errorStyle === "influx") res.status(known.status).json(influxStyle(known.message, known.details));
    else res.status(known.status).json({ error: { code: known.code, message: known.message, details: known.details } });
  };
}
