// The one place where typed errors become HTTP status codes and JSON bodies
// `{ error: { code, message, details? } }`. No stack traces leave the server.
import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, BackpressureError } from "../errors.ts";
import type { Logger } from "../logger.ts";

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

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof BackpressureError) res.setHeader("Retry-After", String(err.retryAfterSeconds));
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
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
