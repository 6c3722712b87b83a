// The playground's TrainingSettings (core, as the page and share URL hold them) in the engine's
// terms: PEFT's LoraConfig and the HF TrainingArguments the Trainer takes.
import type { TrainingSettings } from "../../core/playgroundState";
import type { LoraConfig } from "../lora";
import type { TrainingArgs } from "../trainer";

/** `newTokenStart`: the first id of tokens added at runtime (their embedding rows may train). */
export function loraConfigFrom(settings: TrainingSettings, newTokenStart: number | null): LoraConfig {
  const { lora } = settings;
  return {
    r: lora.r,
    lora_alpha: lora.loraAlpha,
    lora_dropout: lora.loraDropout,
    // PEFT spells "every linear layer" as the single string "all-linear".
    target_modules: lora.targetModules.length === 0 ? null : lora.targetModules.join() === "all-linear" ? "all-linear" : lora.targetModules,
    use_rslora: lora.useRslora,
    trainNewTokenRows: lora.trainNewTokenRows ? newTokenStart : null,
  };
}

export function trainingArgsFrom(settings: TrainingSettings, padTokenId = 0): Partial<TrainingArgs> {
  return {
    learning_rate: settings.learningRate,
    num_train_epochs: settings.epochs,
    max_steps: settings.maxSteps > 0 ? settings.maxSteps : -1,
    per_device_train_batch_size: settings.batchSize,
    warmup_steps: settings.warmupSteps,
    seed: settings.seed,
    pad_token_id: padTokenId,
  };
}
