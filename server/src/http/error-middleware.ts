// The one place where typed errors become HTTP status codes and JSON bodies
// `{ error: { code, message, details? } }`. No stack traces leave the server.
import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, type ErrorDetail } from "../errors.ts";
import type { Logger } from "../../../common/logger.ts";

export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: { code: "not_found", message: `No route for ${req.method} ${req.originalUrl.split("?")[0]}` } });
  };
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message: string;
}

/** Routes that mimic InfluxDB (`/write`) set res.locals.errorStyle = "influx": `{ "error": "…" }`. */
function influxStyle(message: string, details?: ErrorDetail[]): { error: string } {
  const detail = details?.length
    ? `: ${details.slice(0, 20).map((d) => (d.index !== undefined ? `line ${d.index + 1}: ${d.message}` : d.message)).join("; ")}`
    : "";
  return { error: `${message}${detail}` };
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const influx = res.locals.errorStyle === "influx";
    if (err instanceof AppError && err.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(err.retryAfterSeconds));
    if (err instanceof AppError) {
      if (influx) res.status(err.status).json(influxStyle(err.message, err.details));
      else res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    if (influx && (err as BodyParserError).status !== undefined && (err as BodyParserError).status! < 500) {
      const e = err as BodyParserError;
      const message = e.type === "entity.too.large" ? `request body too large (limit ${e.limit} bytes)` : e.message;
      res.status(e.status!).json({ error: message });
      return;
    }
    const bodyError = err as BodyParserError;
    if (bodyError.type === "entity.too.large") {
      res.status(413).json({
        error: { code: "payload_too_large", message: `Request body exceeds the limit of ${bodyError.limit} bytes` },
      });
      return;
    }
    if (bodyError.type === "entity.parse.failed") {
      res.status(400).json({ error: { code: "malformed_json", message: `Malformed JSON: ${bodyError.message}` } });
      return;
    }
    if (typeof bodyError.status === "number" && bodyError.status >= 400 && bodyError.status < 500) {
      res.status(bodyError.status).json({ error: { code: "bad_request", message: bodyError.message } });
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, "unhandled error");
    res.status(500).json({ error: { code: "internal", message: "Internal server error" } });
  };
}
