// The zod schema of PlaygroundSnapshot: every field typed and bounded, every object strict (an
// unknown field is an error, not silently dropped), model ids checked against the hub's pattern.
// The long arrays stop at their first bad entry, so a hostile link is refused in milliseconds.
import { z } from "zod";
import { ChatExampleSchema } from "../chat/exampleSchema";
import { clip } from "../clip";
import { firstIssueArray } from "../firstIssueArray";
import { TRAINING_FIELDS, TrainingSettingsSchema } from "../settings/trainingSettings";
import { HUB_MODEL_ID } from "../hub/hubHttp";
import { STRATEGIES } from "../types";

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** More turns or template ids than the longest sequence has tokens can never be trained or matched. */
const MAX_SEQUENCE = TRAINING_FIELDS.maxSeqLength.max;
export const MAX_EXAMPLES = 1_000_000;

const TemplateSpecSchema = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ ids: firstIssueArray(int(0, 10_000_000), MAX_SEQUENCE, `at most ${MAX_SEQUENCE} ids (max_seq_length's limit)`) }),
]);

export const FormattingSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("text"), templates: z.strictObject({ instruction: z.string(), response: z.string() }) }),
  z.strictObject({ kind: z.literal("chat-template"), enableThinking: z.boolean().optional() }),
]);

export const MaskingSchema = z.strictObject({
  strategy: z.enum(STRATEGIES),
  markerStart: z.string().nullable(),
  markerEnd: z.string().nullable(),
  insertMarkers: z.boolean(),
  responseTemplate: TemplateSpecSchema.nullable(),
  instructionTemplate: TemplateSpecSchema.nullable(),
  addedSpecialTokens: z.array(z.string().min(1)).max(1000),
});

const ModelSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("bundled") }),
  z.strictObject({
    kind: z.literal("hub"),
    id: z.string().regex(HUB_MODEL_ID, "expected a Hugging Face model id such as Qwen/Qwen3-0.6B"),
    // A branch, tag or commit; no "..", so it cannot climb out of /resolve/<revision>/.
    revision: z
      .string()
      .regex(/^[\w][\w.\-/]{0,254}$/, "expected a branch, tag or commit hash")
      .refine((r) => !r.includes(".."), 'a revision may not contain ".."'),
  }),
]);

export const PlaygroundStateSchema = z.strictObject({
  examples: firstIssueArray(ChatExampleSchema, MAX_EXAMPLES, `at most ${MAX_EXAMPLES} examples`),
  holdout: z.strictObject({ prompt: z.string(), expected: z.string() }),
  formatting: FormattingSchema,
  masking: MaskingSchema,
  model: ModelSchema,
  training: TrainingSettingsSchema,
});

/** `"a", "b", "c" and 497 more`: unknown keys as a message shows them, each clipped. */
export function listKeys(keys: readonly string[], shown = 3): string {
  const listed = keys
    .slice(0, shown)
    .map((k) => JSON.stringify(clip(k)))
    .join(", ");
  return keys.length > shown ? `${listed} and ${keys.length - shown} more` : listed;
}

/** `$.training.lora.r: expected a number ≤ 1024` — the first problem, with its path. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = clip(`$${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${clip(String(p))}`)).join("")}`, 200);
  if (issue.code === "unrecognized_keys") {
    return `${path}: unknown field${issue.keys.length > 1 ? "s" : ""} ${listKeys(issue.keys)} (${path === "$" ? "at the top level" : "not part of this object"})`;
  }
  // A long array stops at its first bad entry, so "more" is a lower bound.
  const more = error.issues.length > 1 ? " (and more problems after it)" : "";
  return `${path}: ${clip(issue.message, 200)}${more}`;
}
