// The whole playground as data: what the share URL, the exported JSON file and the local autosave
// hold. One typed defaults object per concern, a comment per field (TensorFlow Playground's state.ts).
import { NOTEBOOK_TEMPLATES } from "./chat/textFormat";
import { DEFAULT_EXAMPLES, DEFAULT_FORMATTING, DEFAULT_HOLDOUT, DEFAULT_MASKING } from "./defaults";
import { NOTEBOOK_LORA, NOTEBOOK_TRAINING, type TrainingSettings } from "./settings/trainingSettings";
import type { z } from "zod";
import type { PlaygroundStateSchema } from "./share/schema";
import type { MaskingOptions } from "./types";

export { NOTEBOOK_LORA, NOTEBOOK_TRAINING, type LoraSettings, type TrainingSettings } from "./settings/trainingSettings";

/** The playground as the share schema (share/schema.ts) reads it at every boundary. */
export type PlaygroundSnapshot = z.infer<typeof PlaygroundStateSchema>;
/** Where the model comes from. */
export type ModelSource = PlaygroundSnapshot["model"];

/**
 * Settings for the bundled default model (tiny-translator, 1.4M parameters), chosen by replaying the
 * notebook's fine-tune on it (scripts/default-model/check.py in PyTorch, then `train --model default`):
 * the Trainer's lr 5e-5 leaves the loss where it starts. With lr 3e-3 and LoRA r=8, alpha=16 on PEFT's
 * default targets for Llama (q_proj, v_proj), the notebook's 15 epochs (75 steps) teach all five
 * answers with their </s> and keep "good" → "bueno", for each of 6 seeds (lr 1e-3 and 2e-3 for 30
 * epochs did too); lr 1e-2 for 30 epochs memorised the five and lost the holdout.
 */
export const BUNDLED_MODEL_TRAINING: TrainingSettings = {
  ...NOTEBOOK_TRAINING,
  learningRate: 3e-3,
  lora: { ...NOTEBOOK_LORA, loraAlpha: 16 },
};

/**
 * Masking for the bundled default model: the notebook's markers strategy (`<s>` after each
 * `### Assistant:`, `</s>` after each answer) would be the natural default, but on this model it
 * defeats the notebook's point. Its pretraining packs documents that each start with `<s>`, so it
 * learned that `<s>` begins a new text and what came before no longer matters: after `<s>` the question
 * is forgotten, and the fine-tune can only memorise the five answers (holdout "good" → one of them,
 * measured in scripts/default-model/check.py). So the answer follows `### Assistant:` directly, the
 * labels start after that template (TRL's completion-only collator) and `</s>` still ends each answer
 * (as TRL 1.x appends EOS): the model learns the format and the stop, and "good" → "bueno" follows from
 * what pretraining taught. A hub model starts from DEFAULT_MASKING (the notebook's markers).
 */
export const BUNDLED_MODEL_MASKING: MaskingOptions = {
  ...DEFAULT_MASKING,
  strategy: "completion-only",
  markerStart: "",
  responseTemplate: { text: NOTEBOOK_TEMPLATES.response.trim() },
  instructionTemplate: { text: NOTEBOOK_TEMPLATES.instruction.trim() },
};

export const DEFAULT_STATE: PlaygroundSnapshot = {
  examples: DEFAULT_EXAMPLES,
  holdout: DEFAULT_HOLDOUT,
  formatting: DEFAULT_FORMATTING,
  masking: BUNDLED_MODEL_MASKING,
  model: { kind: "bundled" },
  training: BUNDLED_MODEL_TRAINING,
};
