// Shared pieces of the catalog's admin routes: who is acting, finding an entity or answering 404,
// merging a PATCH into an entity, and the answer every change gives ({ version, <entity> }).
import type { Response } from "express";
import type { z } from "zod";
import type { CatalogEntityKind } from "../../../common/catalog-diff.ts";
import { principalOf } from "../auth/access.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { parseOrThrow } from "../http/validation.ts";
import type { CatalogChangeResult } from "./catalog-store.ts";

export const actorOf = (res: Response): string => principalOf(res).username;

/** The entity whose key is `key`, or a 404 naming it. */
export function findOr404<T>(list: readonly T[], key: (e: T) => string, wanted: string, what: string): T {
  const found = list.find((e) => key(e) === wanted);
  if (!found) throw new NotFoundError(`no ${what} ${JSON.stringify(wanted)} in the catalog`);
  return found;
}

/** A 400 about one field (or the request as a whole for path ""), whose message names it. */
export function refused(path: string, message: string): ValidationError {
  const text = path ? `${path}: ${message}` : message;
  return new ValidationError(text, [{ ...(path ? { path } : {}), message: text }]);
}

/** A JSON object body, or a 400 saying what it must be. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw refused("", "the request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/** Optional fields a PATCH removes with null (fields that may be null keep null). */
const REMOVABLE = new Set(["note", "url", "class", "value", "min", "max", "classes"]);

/**
 * `existing` with the PATCH's fields replaced (top-level, whole values); fields in `fixed` cannot be
 * changed this way (the message says where instead). The result is parsed by `schema`, so every
 * problem names its field.
 */
export function patched<T>(schema: z.ZodType<T>, existing: object, patch: unknown, fixed: Readonly<Record<string, string>>): T {
  const body = objectBody(patch);
  const refused = Object.keys(body).filter((k) => k in fixed);
  if (refused.length > 0) throw new ValidationError(`Cannot change ${refused.join(", ")} here`, refused.map((k) => ({ path: k, message: `${k}: ${fixed[k]}` })));
  const merged: Record<string, unknown> = { ...existing };
  for (const [k, v] of Object.entries(body)) {
    if (v === null && REMOVABLE.has(k) && (existing as Record<string, unknown>)[k] !== null) delete merged[k];
    else merged[k] = v;
  }
  return parseOrThrow(schema, merged);
}

/** The answer to a change: the catalog version after it, and the entity as stored. */
export function answer(res: Response, result: CatalogChangeResult, status: number, body: Record<string, unknown>): void {
  res.status(status).json({ version: result.version, ...body });
}

export const focus = (kind: CatalogEntityKind, key: string) => ({ kind, key });
