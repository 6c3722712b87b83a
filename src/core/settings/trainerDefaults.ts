// Hugging Face TrainingArguments' and PEFT LoraConfig's defaults, once: hf.ts fills what the settings
// table leaves out (AdamW's betas and epsilon, the eval batch) from them for the engine's Trainer and the
// export, so the optimizer and schedule the playground used are the ones the exported run uses, and the
// CLI's `train --model DIR` starts from them (withHfDefaults sets each table field named here to its
// value). Values from transformers' training_args.py and PEFT's tuners/lora/config.py.
import type { TRAINING_FIELDS } from "./trainingSettings";

/** transformers' SchedulerType values the engine implements (optimizer.ts scheduleFactor). */
export type LrSchedulerType = (typeof TRAINING_FIELDS.lrSchedulerType.options)[number];

export const HF_TRAINING_DEFAULTS = {
  learning_rate: 5e-5,
  num_train_epochs: 3,
  /** -1: not set; num_train_epochs decides. */
  max_steps: -1,
  per_device_train_batch_size: 8,
  /** The loss of several batches accumulated into one update (a mean over all their trained tokens). */
  gradient_accumulation_steps: 1,
  warmup_steps: 0,
  /**
   * Used when warmup_steps is 0 (get_warmup_steps). transformers 5 deprecates it for a fractional
   * warmup_steps; the export's playground_common.py passes it that way where warmup_ratio is gone.
   */
  warmup_ratio: 0,
  lr_scheduler_type: "linear" as LrSchedulerType,
  /** { min_lr_rate } for cosine_with_min_lr, which requires it (hf.ts fills it from the table's min_lr_rate). */
  lr_scheduler_kwargs: {} as { min_lr_rate?: number },
  /** AdamW's decoupled weight decay. */
  weight_decay: 0,
  adam_beta1: 0.9,
  adam_beta2: 0.999,
  adam_epsilon: 1e-8,
  /** Global L2 norm the gradients are clipped to (torch clip_grad_norm_); 0 = no clipping. */
  max_grad_norm: 1,
  /** 1, not transformers' 500: a playground run is tens of steps and every step is drawn. */
  logging_steps: 1,
  /** transformers' evaluation batch (evaluation_loop): the eval loss is the mean of these batches' losses. */
  per_device_eval_batch_size: 8,
  seed: 42,
};

/** PEFT's LoraConfig defaults that the playground implements (no bias, no DoRA; see engine/adapter.ts). */
export const PEFT_LORA_DEFAULTS = {
  r: 8,
  lora_alpha: 8,
  lora_dropout: 0,
  /** null: PEFT's default targets for the architecture; "all-linear": every linear layer but the head. */
  target_modules: null as string | string[] | null,
  use_rslora: false,
};

export type TrainingArguments = typeof HF_TRAINING_DEFAULTS;
export type PeftLoraConfig = typeof PEFT_LORA_DEFAULTS;

/**
 * TRL SFTConfig's packing arguments (trl/trainer/sft_config.py), which the settings' packing and
 * max_seq_length become: packing_strategy is "bfd" (SFTConfig's default) also when packing is off, and
 * padding_free is what SFTTrainer turns on by itself for bfd (sft_trainer.py: padding_free = args.padding_free
 * or (args.packing and args.packing_strategy in {"bfd", "bfd_split"})).
 */
export interface SftPackingArguments {
  max_length: number;
  packing: boolean;
  packing_strategy: "bfd" | "wrapped";
  padding_free: boolean;
}

/**
 * What the engine's Trainer implements and no setting changes, in TrainingArguments' names: AdamW as
 * torch.optim.AdamW (the fused kernel newer transformers picks by default computes the same update).
 */
export const ENGINE_TRAINER_CHOICES = {
  optim: "adamw_torch",
} as const;
