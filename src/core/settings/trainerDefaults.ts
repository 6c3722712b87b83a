// Hugging Face TrainingArguments' defaults, once: the engine's Trainer (engine/trainer.ts) starts from
// them, and the export (core/export) writes them into the TrainingArguments it hands to transformers,
// so the optimizer, clipping and schedule the playground used are the ones the exported run uses.
// Values from transformers' training_args.py (TrainingArguments' docstring and fields).

export const HF_TRAINING_DEFAULTS = {
  learning_rate: 5e-5,
  num_train_epochs: 3,
  /** -1: not set; num_train_epochs decides. */
  max_steps: -1,
  per_device_train_batch_size: 8,
  warmup_steps: 0,
  warmup_ratio: 0,
  /** AdamW's decoupled weight decay. */
  weight_decay: 0,
  adam_beta1: 0.9,
  adam_beta2: 0.999,
  adam_epsilon: 1e-8,
  /** Global L2 norm the gradients are clipped to (torch clip_grad_norm_). */
  max_grad_norm: 1,
  seed: 42,
};

/**
 * What the engine's Trainer implements and no setting changes, in TrainingArguments' names: AdamW as
 * torch.optim.AdamW (the fused kernel newer transformers picks by default computes the same update),
 * the linear decay after warmup (optimizer.ts linearScheduleFactor = get_linear_schedule_with_warmup),
 * and one batch per optimizer step.
 */
export const ENGINE_TRAINER_CHOICES = {
  optim: "adamw_torch",
  lr_scheduler_type: "linear",
  gradient_accumulation_steps: 1,
} as const;
