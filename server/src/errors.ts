// Typed errors. The HTTP layer maps them to status codes in one place (http/error-middleware.ts).

export interface ErrorDetail {
  index?: number;
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

export class ValidationError extends AppError {
  override readonly name = "ValidationError";
  readonly code = "validation_failed";
  readonly status = 400;
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

/** InfluxDB cannot be reached or refused the request for a reason that may pass. */
export class StorageUnavailableError extends AppError {
  override readonly name = "StorageUnavailableError";
  readonly code = "storage_unavailable";
  readonly status = 503;
}

/** The write queue and spool are full: the client should retry after `retryAfterSeconds`. */
export class BackpressureError extends AppError {
  override readonly name = "BackpressureError";
  readonly code = "overloaded";
  readonly status = 503;
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
