// Validation at the edge: zod issues become one readable ValidationError message (HTTP 400).
import type { z } from "zod";
import { ValidationError } from "../errors.ts";

/** "path: message; path: message" (no path for issues about the whole input). */
export function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** The parsed input, or a ValidationError listing every problem. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesText(result.error.issues));
  return result.data;
}

/** A positive integer route parameter such as `/…/:id`, or a ValidationError naming it. */
export function idParam(raw: unknown): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new ValidationError(`invalid id ${JSON.stringify(raw)}`);
  return id;
}
