// How the chat panel and `generate` decode: transformers' GenerationConfig fields, once (bounds,
// default, help, form step, CLI flag), in the same kinds of field as the training table. Defaults are
// GenerationConfig's own (do_sample=False, temperature=1.0, top_k=50, top_p=1.0,
// repetition_penalty=1.0), so a chat decodes greedily as `model.generate()` does out of the box.
import { z } from "zod";
import { defaults, SEED_FIELD, shapeOf, type FieldValues, type SettingField } from "./fields";

/** What the logits are divided by (temperature, repetition penalty): any positive number up to 100. */
const LOGIT_DIVISOR = { kind: "number", min: 0, minExclusive: true, max: 100 } as const;

export const GENERATION_FIELDS = {
  doSample: {
    kind: "boolean",
    label: "sample",
    name: "do_sample",
    flag: "do-sample",
    default: false,
    help: "Whether or not to use sampling; use greedy decoding otherwise (temperature, top_k and top_p apply only when sampling).",
  },
  temperature: {
    ...LOGIT_DIVISOR,
    label: "temperature",
    name: "temperature",
    flag: "temperature",
    default: 1,
    step: 0.1,
    help: "The value used to modulate the next token probabilities (logits are divided by it before the softmax).",
  },
  topK: {
    kind: "number",
    label: "top_k",
    name: "top_k",
    flag: "top-k",
    default: 50,
    min: 0,
    max: 1_000_000,
    step: 1,
    help: "The number of highest probability vocabulary tokens to keep for top-k-filtering (0 = no filtering).",
  },
  topP: {
    kind: "number",
    label: "top_p",
    name: "top_p",
    flag: "top-p",
    default: 1,
    min: 0,
    minExclusive: true,
    max: 1,
    step: 0.05,
    help: "If < 1, only the smallest set of most probable tokens with probabilities that add up to top_p or higher are kept.",
  },
  repetitionPenalty: {
    ...LOGIT_DIVISOR,
    label: "repetition_penalty",
    name: "repetition_penalty",
    flag: "repetition-penalty",
    default: 1,
    step: 0.05,
    help: "The parameter for repetition penalty (1.0 = none): logits of tokens already in the prompt or the answer are divided by it (multiplied when negative).",
  },
  maxNewTokens: {
    kind: "number",
    label: "max new tokens",
    name: "max_new_tokens",
    flag: "max-new-tokens",
    default: 32,
    min: 1,
    max: 4096,
    step: 1,
    help: "The maximum number of tokens to generate, ignoring the prompt; generation also stops at EOS or the end marker.",
  },
  seed: {
    ...SEED_FIELD,
    default: 0,
    help: "Seed of the sampler's draws: the same seed, prompt and settings give the same answer (not torch's draws for that seed).",
  },
} satisfies Record<string, SettingField>;

export type GenerationSettings = FieldValues<typeof GENERATION_FIELDS>;

/**
 * The one schema of the generation settings (worker request, CLI flags, the chat panel's form). Typed
 * as the plain settings type: the inferred object type, inside the worker protocol's union, took the
 * compiler past its inference depth (the protocol's other requests then read as `unknown`).
 */
export const GenerationSettingsSchema: z.ZodType<GenerationSettings> = z.strictObject(
  shapeOf(GENERATION_FIELDS) as z.ZodRawShape,
) as unknown as z.ZodType<GenerationSettings>;

export const DEFAULT_GENERATION: GenerationSettings = defaults(GENERATION_FIELDS);

/** Each generation setting with its key, in table order (the form, the CLI flags and help). */
export const GENERATION_ENTRIES = Object.entries(GENERATION_FIELDS).map(([key, field]) => ({
  key: key as keyof GenerationSettings,
  field: field as SettingField,
}));
