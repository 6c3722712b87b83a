// The zod schema of PlaygroundState: every field typed and bounded, every object strict (an
// unknown field is an error, not silently dropped), model ids checked against the hub's pattern.
import { z } from "zod";
import type { PlaygroundState } from "../playgroundState";
import { TrainingSettingsSchema } from "../settings/trainingSettings";
import { HUB_MODEL_ID } from "../tokenizer/load";

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const TurnSchema = z.strictObject({ role: z.enum(["system", "user", "assistant"]), content: z.string() });
const ExampleSchema = z.strictObject({ id: z.string().min(1).max(500), turns: z.array(TurnSchema) });

const TemplateSpecSchema = z.union([z.strictObject({ text: z.string() }), z.strictObject({ ids: z.array(int(0, 10_000_000)) })]);

const FormattingSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("text"), templates: z.strictObject({ instruction: z.string(), response: z.string() }) }),
  z.strictObject({ kind: z.literal("chat-template") }),
]);

const MaskingSchema = z.strictObject({
  strategy: z.enum(["full", "markers", "completion-only", "special-tokens", "chat-template"]),
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
  examples: z.array(ExampleSchema).max(1_000_000),
  holdout: z.strictObject({ prompt: z.string(), expected: z.string() }),
  formatting: FormattingSchema,
  masking: MaskingSchema,
  model: ModelSchema,
  training: TrainingSettingsSchema,
}) satisfies z.ZodType<PlaygroundState>;

/** `$.training.lora.r: expected a number ≤ 1024` — the first problem, with its path. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = `$${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
  if (issue.code === "unrecognized_keys") {
    return `${path}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (${path === "$" ? "at the top level" : "not part of this object"})`;
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? "s" : ""})` : "";
  return `${path}: ${issue.message}${more}`;
}
