// Typed errors. The HTTP layer maps them to status codes in one place (http/error-middleware.ts).
import type { Logger } from "../../common/logger.ts";

export interface ErrorDetail {
  index?: number;
  /** 1-based line of an uploaded file the detail is about. */
  line?: number;
  path?: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Sent as Retry-After when set: the condition is expected to pass. */
  readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

/** 400. Always carries details (at least the message itself), so every 400 body has one shape. */
export class ValidationError extends AppError {
  override readonly name = "ValidationError";
  readonly code = "validation_failed";
  readonly status = 400;
  constructor(message: string, details?: ErrorDetail[]) {
    super(message, details?.length ? details : [{ message }]);
  }
}

export class UnauthorizedError extends AppError {
  override readonly name = "UnauthorizedError";
  readonly code = "unauthorized";
  readonly status = 401;
}

export class ForbiddenError extends AppError {
  override readonly name = "ForbiddenError";
  readonly code = "forbidden";
  readonly status = 403;
}

export class NotFoundError extends AppError {
  override readonly name = "NotFoundError";
  readonly code = "not_found";
  readonly status = 404;
}

/** The request contradicts the current state (a name taken, an import already undone, data changed since a preview). */
export class ConflictError extends AppError {
  override readonly name = "ConflictError";
  readonly code = "conflict";
  readonly status = 409;
}

export class UnsupportedMediaTypeError extends AppError {
  override readonly name = "UnsupportedMediaTypeError";
  readonly code = "unsupported_media_type";
  readonly status = 415;
}

/** Well-formed, but its content cannot be applied as asked (details say which parts and why). */
export class UnprocessableError extends AppError {
  override readonly name = "UnprocessableError";
  readonly status = 422;
  constructor(
    readonly code: string,
    message: string,
    details?: ErrorDetail[],
  ) {
    super(message, details);
  }
}

/** InfluxDB cannot be reached or refused the request for a reason that may pass. */
export class StorageUnavailableError extends AppError {
  override readonly name = "StorageUnavailableError";
  readonly code = "storage_unavailable";
  readonly status = 503;
}

/** A refusal that passes: the answer carries Retry-After with `retryAfterSeconds`. */
export abstract class RetryLaterError extends AppError {
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The write queue and spool are full: the client should retry after `retryAfterSeconds`. */
export class BackpressureError extends RetryLaterError {
  override readonly name = "BackpressureError";
  readonly code = "overloaded";
  readonly status = 503;
}

/** The request body could not be read: malformed JSON (400) or larger than allowed (413). */
export class BodyError extends AppError {
  override readonly name = "BodyError";
  constructor(
    readonly code: "malformed_json" | "payload_too_large" | "bad_request",
    readonly status: number,
    message: string,
  ) {
    super(message, status === 400 ? [{ message }] : undefined);
  }
}

/** Too many requests from one client in the current window (429 + Retry-After). */
export class RateLimitedError extends RetryLaterError {
  override readonly name = "RateLimitedError";
  readonly code = "rate_limited";
  readonly status = 429;
}

/** The server is answering as many data requests as it can; the caller should retry shortly (503). */
export class ServerBusyError extends RetryLaterError {
  override readonly name = "ServerBusyError";
  readonly code = "busy";
  readonly status = 503;
}

/** A per-user cap (subscriptions, alert rules) is reached: the message says which and what to do. */
export class LimitReachedError extends AppError {
  override readonly name = "LimitReachedError";
  readonly code = "limit_reached";
  readonly status = 409;
}

/**
 * The metadata database (PostgreSQL at DATABASE_URL) cannot be reached: down, restarting, or the
 * connection was cut. Passes once it is back (the pool reconnects), so the answer is 503 + Retry-After.
 */
export class MetaUnavailableError extends RetryLaterError {
  override readonly name = "MetaUnavailableError";
  readonly code = "metadata_unavailable";
  readonly status = 503;
}

/**
 * Logs the failure of a background pass that runs again (an outbox drain, a poll): the metadata
 * database or InfluxDB being unavailable for a while (a restart, a cut connection) is a warning,
 * since the next pass retries; anything else is an error.
 */
export function logFailedPass(logger: Pick<Logger, "warn" | "error">, err: unknown, msg: string): void {
  if (err instanceof MetaUnavailableError || err instanceof StorageUnavailableError) logger.warn({ err }, msg);
  else logger.error({ err }, msg);
}
