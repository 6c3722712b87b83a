// The envelope both workers speak (training and dataset): every request the page posts is
// `{ id, request }`, and the worker answers each id exactly once, with `{ type: "reply", id, result }`
// or `{ type: "error", id, message }`. Anything else a worker posts is an event and carries no id,
// so a page can settle one promise per request and never wait for a reply that will not come.
import { firstIssue } from "./firstIssue";
import { z } from "zod";

/** What the page posts: one request under a fresh id. */
export interface Envelope<Request> {
  id: number;
  request: Request;
}

/** The terminal answers to request `id`: its result, or why it failed (the worker's own words). */
export type Answer<Result> = { type: "reply"; id: number; result: Result } | { type: "error"; id: number; message: string };

export const requestId = z.number().int().nonnegative();

export function envelopeSchema<Request extends z.ZodType>(request: Request) {
  return z.strictObject({ id: requestId, request });
}

export function answerSchema<Result extends z.ZodType>(result: Result) {
  return [
    z.strictObject({ type: z.literal("reply"), id: requestId, result }),
    z.strictObject({ type: z.literal("error"), id: requestId, message: z.string() }),
  ] as const;
}

/** Only the id of a message, so a message that fails its schema can still be answered for its id. */
const idOnly = z.object({ id: requestId });

export type Parsed<T> = { ok: true; value: T } | { ok: false; id: number | null; message: string };

/**
 * Parses `data` with `schema`; on failure says where (the first issue's path) and who refused it, and
 * keeps the id when one can be read. `who`: "to the training worker", "from the dataset worker", ...
 */
export function parseMessage<T>(schema: z.ZodType<T>, data: unknown, who: string): Parsed<T> {
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  const id = idOnly.safeParse(data);
  return {
    ok: false,
    id: id.success ? id.data.id : null,
    // The page and its worker come from one build, so a refused message means they are out of step.
    message: `Bad message ${who} at ${firstIssue(r.error, "(root)")}. The page and the worker disagree; reload the page.`,
  };
}

/** An exception's message for an error reply (a thrown non-Error still says something). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return String(err) || "an error with no message";
}
