// The whole playground as data: what the share URL, the exported JSON file and the local autosave
// hold. One typed defaults object per concern, a comment per field (TensorFlow Playground's state.ts).
import { DEFAULT_EXAMPLES, DEFAULT_FORMATTING, DEFAULT_HOLDOUT, DEFAULT_MASKING } from "./defaults";
import { DEFAULT_LORA, DEFAULT_TRAINING, type TrainingSettings } from "./settings/trainingSettings";
import type { ChatExample, Formatting, MaskingOptions } from "./types";

export { DEFAULT_LORA, DEFAULT_TRAINING, type LoraSettings, type TrainingSettings } from "./settings/trainingSettings";

/** Where the model comes from. */
export type ModelSource = { kind: "bundled" } | { kind: "hub"; id: string; revision: string };

/**
 * Settings for the bundled default model (tiny-translator, 1.4M parameters), chosen by replaying the
 * notebook's fine-tune on it (scripts/default-model/check.py in PyTorch, then `train --model default`):
 * the Trainer's lr 5e-5 leaves the loss where it starts; lr 1e-2 with LoRA r=8, alpha=16 on PEFT's
 * default targets for Llama (q_proj, v_proj) learns the five answers with their </s>, but in the
 * notebook's 15 epochs only 3-5 of them depending on the seed, so 30 epochs (150 steps, ~10 s on wasm).
 * Every linear layer, or r=16, learned fewer answers.
 */
export const BUNDLED_MODEL_TRAINING: TrainingSettings = {
  ...DEFAULT_TRAINING,
  epochs: 30,
  learningRate: 1e-2,
  lora: { ...DEFAULT_LORA, loraAlpha: 16 },
};

export interface PlaygroundState {
  examples: ChatExample[];
  holdout: { prompt: string; expected: string };
  formatting: Formatting;
  masking: MaskingOptions;
  model: ModelSource;
  training: TrainingSettings;
}

export const DEFAULT_STATE: PlaygroundState = {
  examples: DEFAULT_EXAMPLES,
  holdout: DEFAULT_HOLDOUT,
  formatting: DEFAULT_FORMATTING,
  masking: DEFAULT_MASKING,
  model: { kind: "bundled" },
  training: BUNDLED_MODEL_TRAINING,
};
