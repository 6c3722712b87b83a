// axolotl.yaml: the run as an axolotl config. axolotl trains on data/tokenized.jsonl, the playground's
// own labels, through its pre-tokenized format (docs/dataset-formats/tokenized.qmd: an empty `type:`,
// columns exactly input_ids, attention_mask, labels), because no axolotl prompt strategy reproduces the
// markers strategy, and its chat_template / completion strategies tokenize their own way. Keys from
// src/axolotl/utils/schemas/{config,peft,training,model}.py. Values are written as JSON scalars, which
// YAML reads unchanged, so the test can parse them back exactly.
import type { ExportInput } from "./types";
import { BUNDLED_MODEL_DIR, EVAL_TOKENIZED_FILE, TOKENIZED_FILE, playgroundConfig } from "./config";
import { scalar } from "./yamlScalar";

export const AXOLOTL_FILE = "axolotl.yaml";

/** The `key: value` lines whose values a test reads back; comments and the dataset list are added around them. */
export function axolotlValues(input: ExportInput): Array<[string, unknown]> {
  // The run as playground_config.json has it, so axolotl trains what train.py and trl_sft.py train.
  const config = playgroundConfig(input);
  const { lora_config: lora, training_arguments: args } = config;
  const evaluated = config.data.eval_examples > 0;
  const targets = lora.target_modules;
  // null: a key this run does not write.
  const values: Array<[string, unknown] | null> = [
    ["base_model", input.model.kind === "bundled" ? `./${BUNDLED_MODEL_DIR}` : config.base_model],
    input.model.kind === "hub" ? ["revision_of_model", input.model.revision] : null,
    ["sequence_len", input.settings.maxSeqLength],
    // axolotl's multipack packs sequences whole with attention kept apart, as bfd; it has no wrapped for pre-tokenized data.
    ["sample_packing", input.settings.packing === "bfd"],
    ["pad_to_sequence_len", false],
    // The eval split is its own file (test_datasets below), the examples the playground evaluated; axolotl's own
    // val_set_size would split the trained examples again with its own seed.
    ["val_set_size", 0],
    ["adapter", "lora"],
    ["lora_r", lora.r],
    ["lora_alpha", lora.lora_alpha],
    ["lora_dropout", lora.lora_dropout],
    targets === "all-linear" ? ["lora_target_linear", true] : targets === null ? null : ["lora_target_modules", targets],
    ["peft_use_rslora", lora.use_rslora],
    lora.trainable_token_indices ? ["peft_trainable_token_indices", lora.trainable_token_indices] : null,
    ["learning_rate", args.learning_rate],
    ["lr_scheduler", args.lr_scheduler_type],
    input.settings.lrSchedulerType === "cosine_with_min_lr" ? ["lr_scheduler_kwargs", args.lr_scheduler_kwargs] : null,
    ["warmup_steps", args.warmup_steps],
    (args.warmup_ratio as number) > 0 ? ["warmup_ratio", args.warmup_ratio] : null,
    ["num_epochs", args.num_train_epochs],
    (args.max_steps as number) > 0 ? ["max_steps", args.max_steps] : null,
    ["micro_batch_size", args.per_device_train_batch_size],
    ["gradient_accumulation_steps", args.gradient_accumulation_steps],
    ["optimizer", args.optim],
    ["adam_beta1", args.adam_beta1],
    ["adam_beta2", args.adam_beta2],
    ["adam_epsilon", args.adam_epsilon],
    ["weight_decay", args.weight_decay],
    ["max_grad_norm", args.max_grad_norm],
    ["seed", args.seed],
    ["logging_steps", args.logging_steps],
    evaluated ? ["eval_strategy", args.eval_strategy] : null,
    evaluated ? ["eval_steps", args.eval_steps] : null,
    ["save_strategy", args.save_strategy],
    ["bf16", false],
    ["tf32", false],
    ["output_dir", "./out-axolotl"],
  ];
  const added = Object.entries(input.addedTokens).sort((a, b) => a[1] - b[1]);
  if (added.length) values.push(["tokens", added.map(([t]) => t)]);
  return values.filter((v) => v !== null);
}

function notExact(input: ExportInput): string[] {
  const notes = [
    "# Not exact, and why: axolotl shuffles with its own sampler and seed stream, and initialises LoRA's A with",
    "# torch's RNG (same distribution as the playground, other numbers); dropout masks differ likewise.",
  ];
  if (input.strategy === "markers")
    notes.push("# The markers strategy has no axolotl prompt strategy; the pre-tokenized dataset below carries its labels.");
  if (Object.keys(input.addedTokens).length)
    notes.push(
      "# axolotl resizes the embedding for `tokens` with random new rows (mean_resizing_embeddings: false), where the",
      "# playground (and train.py) set them to the mean of the old rows; train.py matches the playground.",
    );
  if (input.settings.packing === "bfd")
    notes.push(
      "# packing bfd is sample_packing here: axolotl's multipack keeps sequences apart (use flash_attention: true) but",
      "# fills its rows its own way, so the rows, and the steps of an epoch, differ from TRL's best-fit decreasing.",
    );
  if (input.settings.packing === "wrapped")
    notes.push("# packing wrapped has no axolotl form for pre-tokenized data: sample_packing is off, each example its own row.");
  if (!Number.isInteger(input.settings.lora.loraAlpha))
    notes.push(`# lora_alpha ${input.settings.lora.loraAlpha} is not a whole number; axolotl's schema takes an integer.`);
  return notes;
}

export function axolotlYaml(input: ExportInput): string {
  const lines = [
    "# axolotl config for the playground's run: axolotl train axolotl.yaml",
    "# (or: accelerate launch -m axolotl.cli.train axolotl.yaml). Same LoRA, schedule and labels as train.py.",
    ...notExact(input),
    "datasets:",
    "  # The playground's own labels: axolotl's pre-tokenized format (an empty type:).",
    `  - path: ${scalar(TOKENIZED_FILE)}`,
    "    ds_type: json",
    "    type:",
    ...(playgroundConfig(input).data.eval_examples > 0
      ? ["test_datasets:", `  - path: ${scalar(EVAL_TOKENIZED_FILE)}`, "    ds_type: json", "    split: train", "    type:"]
      : []),
    "dataset_prepared_path: last_run_prepared",
    ...axolotlValues(input).map(([k, v]) => `${k}: ${scalar(v)}`),
  ];
  return `${lines.join("\n")}\n`;
}
