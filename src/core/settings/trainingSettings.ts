// Every training, LoRA and generation setting, once: bounds, default, help text (the Trainer's and
// PEFT's own words where they exist), form step (1: a whole number) and CLI flag. The TypeScript type, the
// one zod schema used by the share link, the autosave, the runs store, the worker protocol and the
// CLI, the defaults and the form's inputs are all derived from these two tables.
//
// Bounds are what the engine can train, not what is sensible: a learning rate of 1 is allowed, 0 is
// not (AdamW would not move). Changing a bound here changes it at every boundary at once.
import { z } from "zod";
import { defaults, SEED_FIELD, shapeOf, type SettingField } from "./fields";

/** PEFT's module names: a Python identifier path such as q_proj or mlp.down_proj, or "all-linear". */
const MODULE_NAME = /^[\w.-]{1,200}$/;

/** A number of steps: a whole number up to ten million (each field says whether 0 is allowed). */
const STEPS = { kind: "number", max: 10_000_000, step: 1 } as const;
/** A share from 0 to 1. */
const FRACTION = { kind: "number", min: 0, max: 1, step: "any" } as const;
/** A share from 0 up to but not 1 (all of the examples held out, all of the inputs dropped), in steps of 0.05. */
const SHARE_BELOW_ONE = { kind: "number", min: 0, max: 1, maxExclusive: true, step: 0.05 } as const;

export const TRAINING_FIELDS = {
  epochs: {
    kind: "number",
    label: "epochs",
    name: "num_train_epochs",
    flag: "epochs",
    default: 15,
    min: 0,
    minExclusive: true,
    max: 100_000,
    step: "any",
    help: "Total number of training epochs to perform (a fraction trains part of the last epoch); ignored when max_steps > 0.",
  },
  maxSteps: {
    ...STEPS,
    label: "max steps",
    name: "max_steps",
    flag: "steps",
    default: 0,
    min: 0,
    help: "If > 0: the total number of training steps to perform; overrides num_train_epochs.",
  },
  learningRate: {
    kind: "number",
    label: "learning rate",
    name: "learning_rate",
    flag: "lr",
    default: 5e-5,
    min: 0,
    minExclusive: true,
    max: 1,
    step: "any",
    help: "The initial learning rate for AdamW, then scheduled by lr_scheduler_type (linear: decayed to 0 over the planned steps).",
  },
  batchSize: {
    kind: "number",
    label: "batch size",
    name: "per_device_train_batch_size",
    flag: "batch-size",
    default: 1,
    min: 1,
    max: 4096,
    step: 1,
    help: "Examples per step; shorter ones are right-padded.",
  },
  maxSeqLength: {
    kind: "number",
    label: "max_seq_length",
    name: "max_seq_length",
    flag: "max-seq-length",
    default: 512,
    min: 1,
    max: 1_048_576,
    step: 1,
    help: "Maximum length of a tokenized example; longer ones are truncated.",
  },
  packing: {
    kind: "choice",
    label: "packing",
    // TRL's SFTConfig: packing=False for none, else packing=True with this packing_strategy (core/packing.ts).
    name: "packing",
    flag: "packing",
    default: "none",
    options: ["none", "bfd", "wrapped"] as const,
    help: "Group examples into rows of max_seq_length (TRL's packing_strategy): bfd = best-fit decreasing, padding-free, each example attends only to itself with positions restarting; wrapped = concatenate and cut, attention crossing examples; none = one example per row, right-padded.",
  },
  warmupSteps: {
    ...STEPS,
    label: "warmup steps",
    name: "warmup_steps",
    flag: "warmup-steps",
    default: 0,
    min: 0,
    help: "Number of steps used for a linear warmup from 0 to learning_rate (Trainer default 0).",
  },
  // Added with evaluation, accumulation and schedules (transformers' TrainingArguments names and defaults,
  // training_args.py); `addedLater`: runs and links saved before them read them as these defaults.
  gradientAccumulationSteps: {
    kind: "number",
    label: "gradient accumulation",
    name: "gradient_accumulation_steps",
    flag: "gradient-accumulation-steps",
    default: 1,
    min: 1,
    max: 4096,
    step: 1,
    addedLater: true,
    help: "Number of update steps to accumulate the gradients for, before performing a backward/update pass: a step is this many batches, the loss a mean over all their trained tokens.",
  },
  weightDecay: {
    ...FRACTION,
    label: "weight decay",
    name: "weight_decay",
    flag: "weight-decay",
    default: 0,
    addedLater: true,
    help: "The weight decay to apply to the LoRA weights in AdamW (decoupled, as torch.optim.AdamW: each step multiplies them by 1 - lr × weight_decay).",
  },
  lrSchedulerType: {
    kind: "choice",
    label: "lr scheduler",
    name: "lr_scheduler_type",
    flag: "lr-scheduler-type",
    default: "linear",
    options: ["linear", "cosine", "cosine_with_min_lr", "constant", "constant_with_warmup"] as const,
    help: "The scheduler type to use after warmup: linear to 0, cosine to 0, cosine to min_lr_rate × learning_rate, or constant (constant ignores warmup, as transformers' get_constant_schedule does).",
  },
  minLrRate: {
    ...FRACTION,
    label: "min lr rate",
    // lr_scheduler_kwargs={"min_lr_rate": …}, which cosine_with_min_lr requires (core/settings/hf.ts passes it there).
    name: "min_lr_rate",
    flag: "min-lr-rate",
    default: 0.1,
    addedLater: true,
    help: "cosine_with_min_lr only: the learning rate the cosine ends at, as a fraction of learning_rate (lr_scheduler_kwargs min_lr_rate).",
  },
  warmupRatio: {
    ...FRACTION,
    label: "warmup ratio",
    name: "warmup_ratio",
    flag: "warmup-ratio",
    default: 0,
    addedLater: true,
    help: "Ratio of total training steps used for a linear warmup, rounded up; used only when warmup_steps is 0.",
  },
  maxGradNorm: {
    kind: "number",
    label: "max grad norm",
    name: "max_grad_norm",
    flag: "max-grad-norm",
    default: 1,
    min: 0,
    max: 1e6,
    step: "any",
    addedLater: true,
    help: "Maximum gradient norm (for gradient clipping, torch's clip_grad_norm_); 0 = no clipping.",
  },
  loggingSteps: {
    ...STEPS,
    label: "logging steps",
    name: "logging_steps",
    flag: "logging-steps",
    default: 1,
    min: 1,
    addedLater: true,
    help: "Log every this many steps (the CLI's lines and the export's trainer_state.json; the loss logged is the mean since the last log). The page charts every step.",
  },
  evalSplit: {
    ...SHARE_BELOW_ONE,
    label: "eval split",
    // No TrainingArguments name: the fraction held out is datasets' train_test_split(test_size) (axolotl's val_set_size).
    name: null,
    flag: "eval-split",
    default: 0,
    addedLater: true,
    help: "Fraction of the examples held out for evaluation (rounded up, chosen by the seed); 0 = no split. Their loss is measured, never trained on.",
  },
  evalStrategy: {
    kind: "choice",
    label: "eval strategy",
    // The table's default is "steps", not transformers' "no": evaluation already needs an eval split or eval
    // dataset, and asking for a second switch besides made the split alone do nothing.
    name: "eval_strategy",
    flag: "eval-strategy",
    default: "steps",
    options: ["no", "steps", "epoch"] as const,
    help: "The evaluation strategy when there is an eval split or eval dataset: every eval_steps, at the end of each epoch, or no.",
  },
  evalSteps: {
    ...STEPS,
    label: "eval steps",
    name: "eval_steps",
    flag: "eval-steps",
    default: 10,
    min: 1,
    addedLater: true,
    help: "Run an evaluation (loss without gradients on the eval examples) every this many steps, with eval_strategy steps.",
  },
  seed: {
    ...SEED_FIELD,
    default: 1,
    help: "Random seed set at the beginning of training: LoRA initialisation, dropout and shuffling.",
  },
  saveSteps: {
    ...STEPS,
    label: "save steps",
    name: "save_steps",
    flag: "save-steps",
    default: 500,
    min: 0,
    addedLater: true,
    help: "Save a checkpoint (adapter, optimizer, scheduler, data position, RNG) every this many steps, to resume from; 0 = only at pause, stop and the end (the page also saves every 60 s).",
  },
  saveTotalLimit: {
    kind: "number",
    label: "save total limit",
    name: "save_total_limit",
    flag: "save-total-limit",
    default: 2,
    min: 1,
    max: 1000,
    step: 1,
    addedLater: true,
    help: "Keep at most this many checkpoints, deleting the oldest (a damaged newest one falls back to the one before).",
  },
  generateEvery: {
    ...STEPS,
    label: "generate every",
    name: null,
    flag: null,
    default: 5,
    min: 0,
    help: "Answer every prompt every this many steps (0 = only at the end).",
  },
  maxNewTokens: {
    kind: "number",
    label: "max new tokens",
    name: "max_new_tokens",
    flag: "max-new-tokens",
    default: 5,
    min: 1,
    max: 512,
    step: 1,
    help: "The maximum number of tokens to generate per answer, ignoring the prompt (the notebook used 5).",
  },
} satisfies Record<string, SettingField>;

export const LORA_FIELDS = {
  r: {
    kind: "number",
    label: "r",
    name: "r",
    flag: "r",
    default: 8,
    min: 1,
    max: 1024,
    step: 1,
    help: "Lora attention dimension (the rank): lora_A is [r, in], lora_B is [out, r].",
  },
  loraAlpha: {
    kind: "number",
    label: "lora_alpha",
    name: "lora_alpha",
    flag: "lora-alpha",
    default: 8,
    min: 0,
    minExclusive: true,
    max: 1e6,
    step: "any",
    help: "The alpha parameter for Lora scaling: the update is scaled by lora_alpha / r (or / sqrt(r) with rsLoRA).",
  },
  loraDropout: {
    ...SHARE_BELOW_ONE,
    label: "lora_dropout",
    name: "lora_dropout",
    flag: "lora-dropout",
    default: 0,
    help: "The dropout probability for Lora layers (on the adapter's input, during training only).",
  },
  targetModules: {
    kind: "names",
    label: "target_modules",
    name: "target_modules",
    flag: "target-modules",
    default: [],
    pattern: MODULE_NAME,
    maxItems: 100,
    patternHint: "expected a module name such as q_proj, or all-linear",
    help: "The names of the linear modules to apply the adapter to; all-linear = every linear layer but the output head; empty = PEFT's default for the architecture.",
  },
  useRslora: {
    kind: "boolean",
    label: "use_rslora",
    name: "use_rslora",
    flag: "use-rslora",
    default: false,
    help: "Rank-Stabilized LoRA: scale the update by lora_alpha / sqrt(r).",
  },
  trainNewTokenRows: {
    kind: "boolean",
    label: "train added-token embeddings",
    name: null,
    flag: null,
    default: false,
    help: "Also train the embedding rows of newly added special tokens (the notebook left them random).",
  },
} satisfies Record<string, SettingField>;

// Strict: an unknown field is a mistake to report, not something to drop silently.
export const LoraSettingsSchema = z.strictObject(shapeOf(LORA_FIELDS));
/** The one schema of the settings, at every boundary (share link, autosave, runs store, worker, CLI). */
export const TrainingSettingsSchema = z.strictObject({ ...shapeOf(TRAINING_FIELDS), lora: LoraSettingsSchema });

export type LoraSettings = z.infer<typeof LoraSettingsSchema>;
export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;

/**
 * The table's `default`s: the notebook's run (its TrainingArguments, PEFT's LoraConfig defaults). Apart
 * from transformers' own defaults (HF_TRAINING_DEFAULTS, where `train --model DIR` starts) and the
 * bundled model's tuned settings (BUNDLED_MODEL_TRAINING, where the page starts).
 */
export const NOTEBOOK_LORA: LoraSettings = defaults(LORA_FIELDS);
export const NOTEBOOK_TRAINING: TrainingSettings = { ...defaults(TRAINING_FIELDS), lora: NOTEBOOK_LORA };

/** One setting of either table, with where its value sits in TrainingSettings. */
export interface SettingEntry {
  key: string;
  field: SettingField;
  /** The value is settings.lora[key] rather than settings[key]. */
  lora: boolean;
}

/** Every setting, training fields first, in table order (CLI help, tests, exports). */
export const SETTING_ENTRIES: SettingEntry[] = [
  ...Object.entries(TRAINING_FIELDS).map(([key, field]) => ({ key, field: field as SettingField, lora: false })),
  ...Object.entries(LORA_FIELDS).map(([key, field]) => ({ key, field: field as SettingField, lora: true })),
];

export function settingValue(s: TrainingSettings, e: SettingEntry): unknown {
  return (e.lora ? s.lora : s)[e.key as never];
}

/** A copy of `s` with one setting replaced (not validated: the schema decides). */
export function withSetting(s: TrainingSettings, e: SettingEntry, value: unknown): TrainingSettings {
  const next = structuredClone(s);
  Object.assign(e.lora ? next.lora : next, { [e.key]: value });
  return next;
}
