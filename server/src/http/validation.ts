// Validation at the edge: the one adapter from zod to HTTP 400. Every route parses its query, body
// and ids here, so every 400 has the same body: { error: { code: "validation_failed", message,
// details: [{ path?, index?, message }] } }, one detail per problem, each naming the field.
import type { z } from "zod";
import { ValidationError, type ErrorDetail } from "../errors.ts";

/** What was parsed, as the message's first words say it ("Invalid query: …"). */
export type InputPart = "query" | "request body" | "reading" | "URL";

/** One detail per zod issue, worded for people: says which field and what is wrong with it. */
export function issueDetails(issues: readonly z.core.$ZodIssue[], part: InputPart = "request body"): ErrorDetail[] {
  const field = part === "query" ? "query parameter" : "field";
  return issues.map((issue) => {
    const path = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
      return { message: `Unknown ${field}${issue.keys.length === 1 ? "" : "s"}: ${issue.keys.join(", ")}` };
    }
    if (issue.code === "invalid_type" && issue.input === undefined) return { path, message: `${path || part} is required` };
    // Express gives a repeated query parameter as an array; say so instead of "expected string".
    if (part === "query" && issue.code === "invalid_type" && issue.expected === "string" && Array.isArray(issue.input)) {
      return { path, message: `${path} must be given once` };
    }
    if (!path || issue.message.startsWith(path)) return { ...(path ? { path } : {}), message: issue.message };
    return { path, message: `${path}: ${issue.message}` };
  });
}

/** The details as one sentence: "a; b; c". */
export function detailsText(details: readonly ErrorDetail[]): string {
  return details.map((d) => d.message).join("; ");
}

/** Throws the 400 for `details` (problems found after zod, such as an unknown catalog id). */
export function invalid(part: InputPart, details: ErrorDetail[]): never {
  throw new ValidationError(`Invalid ${part}: ${detailsText(details)}`, details);
}

/** The parsed input, or the problems with it (for checking many items of one batch). */
export function parseOrDetails<T>(schema: z.ZodType<T>, input: unknown, part: InputPart): { data: T } | { details: ErrorDetail[] } {
  // reportInput: issueDetails tells "missing" from "wrong type" by the input.
  const result = schema.safeParse(input ?? (part === "query" ? {} : undefined), { reportInput: true });
  return result.success ? { data: result.data } : { details: issueDetails(result.error.issues, part) };
}

/** The parsed input, or a ValidationError listing every problem. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, part: InputPart = "request body"): T {
  const result = parseOrDetails(schema, input, part);
  if ("details" in result) invalid(part, result.details);
  return result.data;
}

/** A positive integer route parameter such as `/…/:id`, or a ValidationError naming it. */
export function idParam(raw: unknown, name = "id"): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) {
    invalid("URL", [{ path: name, message: `${name} must be a positive whole number, got ${JSON.stringify(String(raw).slice(0, 40))}` }]);
  }
  return id;
}
