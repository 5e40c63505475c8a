import type * as z from "zod/mini";
import { MalformedRequestError } from "../protocol/errors";
import { decodeFields } from "../protocol/wire";

/**
 * Decodes a route handler's input (path parameters, query, JSON body) with the protocol's wire
 * codecs, turning the first bad field into a 400 that names it.
 */
export function parseInput<Schema extends z.core.$ZodType>(schema: Schema, input: unknown, where: string): z.output<Schema> {
  const result = decodeFields(schema, input);
  if (result.ok) return result.value;
  const field = result.issue.field ? `"${result.issue.field}" ${where}` : where;
  throw new MalformedRequestError({ field, reason: result.issue.reason });
}

/** Reads a request's JSON body, refusing a body that is not JSON with a 400. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new MalformedRequestError({ field: "request body", reason: "must be a JSON object" });
  }
}
