// README.md of the export: what is in it, how to run it on 1 GPU, 8 GPUs and a cluster, how to bring
// the adapter back into the playground, and what cannot be exact (and why).
import { ACCELERATE_FILES, SLURM_FILE } from "./accelerate";
import { AXOLOTL_FILE } from "./axolotl";
import { BUNDLED_MODEL_DIR, CONFIG_FILE, MESSAGES_FILE, TOKENIZED_FILE, embeddingRows, playgroundConfig } from "./config";
import { EVALUATE_FILE, TRAIN_FILE, TRL_FILE } from "./python";
import type { ExportInput } from "./types";

function modelSection(input: ExportInput): string[] {
  const m = input.model;
  switch (m.kind) {
    case "hub":
      return [`Base model: \`${m.id}\` (revision \`${m.revision}\`) from the Hugging Face hub.`];
    case "folder":
      return [
        `Base model: \`${m.name}\`, a local folder. Put that folder next to this README (or pass \`--base-model PATH_OR_HUB_ID\` to every script).`,
      ];
    case "bundled":
      return [
        `Base model: the playground's bundled model, in \`${BUNDLED_MODEL_DIR}/\` (config.json, model.safetensors, tokenizer): a`,
        "1.4M-parameter LlamaForCausalLM pretrained on an English-Spanish dictionary (see the playground's README, \"The bundled",
        'model"). It loads in transformers like any model folder; pass `--base-model HUB_ID` to train a larger one on this data.',
      ];
    default: {
      const never: never = m;
      return never;
    }
  }
}

function notExact(input: ExportInput): string[] {
  const lines = [
    "- **Shuffling, LoRA initialisation and dropout** use torch's random numbers, not the playground's: the same",
    "  distributions (A ~ kaiming-uniform, B = 0; the same seed) but other draws, so the curves match in shape, not digit for digit.",
    "- **Precision**: the playground trains in float32 (WebGPU/wasm); train.py does too unless `--bf16`.",
    "- **Several GPUs**: the playground's batch is the global batch. It is split over the GPUs when it divides;",
    "  otherwise each GPU takes the whole batch and an epoch has fewer, larger steps (the script says so).",
  ];
  if (input.trainer !== undefined)
    lines.push(
      `- **TRL and axolotl** train on \`${TOKENIZED_FILE}\`: the labels ${input.trainer} builds, as the playground reproduced them,`,
      "  so the tool's own version and options no longer matter.",
    );
  else if (input.strategy !== null && input.strategy !== "chat-template")
    lines.push(
      `- **TRL and axolotl** train on \`${TOKENIZED_FILE}\`, not on the messages: their own formatting uses the tokenizer's`,
      `  chat template and masks by their own rules, which is not the ${input.strategy} strategy.`,
    );
  if (input.strategy === "markers") lines.push("- **axolotl** has no markers strategy; its config points to the pre-tokenized data.");
  if (Object.keys(input.addedTokens).length)
    lines.push(
      "- **Added tokens**: their new embedding rows are set to the mean of the old rows, as the playground does",
      "  (axolotl draws them at random instead).",
    );
  if (input.settings.packing !== "none")
    lines.push(
      `- **Packing (${input.settings.packing})**: trl_sft.py packs as the playground did (SFTConfig packing=True, packing_strategy=`,
      `  "${input.settings.packing}"${input.settings.packing === "bfd" ? ", padding-free: use a FlashAttention implementation" : ""}); train.py trains one example per row, so its steps differ.`,
    );
  if (input.truncated.length)
    lines.push(
      `- Examples ${input.truncated.join(", ")} were cut to max_seq_length ${input.settings.maxSeqLength}, as the playground trained them.`,
    );
  return lines;
}

export function exportReadme(input: ExportInput): string {
  const config = playgroundConfig(input);
  const run = input.run;
  const strategy = input.trainer !== undefined ? `none: the labels ${input.trainer} builds` : (input.strategy ?? "given pre-tokenized");
  return [
    "# A fine-tuning playground run, for transformers + PEFT, TRL and axolotl",
    "",
    run
      ? `Exported from the playground's ${run.label}: ${run.steps} steps, final loss ${run.finalLoss === null ? "–" : run.finalLoss.toFixed(4)}, strategy ${strategy}.`
      : `Exported from the playground, strategy ${strategy}.`,
    "",
    ...modelSection(input),
    "",
    "## What is here",
    "",
    `- \`${CONFIG_FILE}\`: every hyperparameter, in PEFT's \`LoraConfig\` and transformers' \`TrainingArguments\` names; the scripts read it whole.`,
    `- \`${TOKENIZED_FILE}\`: the playground's own \`input_ids\`, \`attention_mask\`, \`labels\` (-100 = not trained), so the masking is exact on any trainer version.`,
    input.chats
      ? `- \`${MESSAGES_FILE}\`: the same ${input.examples.length} conversations as \`{"messages": [...]}\` records, for trainers that format them themselves.`
      : "- (no messages file: the data was given already tokenized)",
    `- \`${TRAIN_FILE}\`: transformers.Trainer + PEFT. \`${TRL_FILE}\`: TRL's SFTTrainer. \`${AXOLOTL_FILE}\`: axolotl.`,
    `- \`${EVALUATE_FILE}\`: each example's loss with an adapter, to compare with the playground.`,
    `- \`accelerate/\`: one GPU, 8-GPU DDP, FSDP, DeepSpeed ZeRO-2. \`${SLURM_FILE}\`: a Slurm job.`,
    "",
    "## Run it",
    "",
    "```bash",
    "pip install -r requirements.txt",
    `python ${TRAIN_FILE}                                              # 1 GPU (or the CPU)`,
    `accelerate launch --config_file ${ACCELERATE_FILES.ddp} ${TRAIN_FILE}          # 8 GPUs, DDP`,
    `accelerate launch --config_file ${ACCELERATE_FILES.zero2} ${TRAIN_FILE}  # 8 GPUs, ZeRO-2`,
    `accelerate launch --config_file ${ACCELERATE_FILES.fsdp} ${TRAIN_FILE}         # 8 GPUs, FSDP`,
    `sbatch ${SLURM_FILE}                                        # a cluster (edit nodes/partition first)`,
    `python ${TRL_FILE}          # or TRL;  axolotl train ${AXOLOTL_FILE}   # or axolotl`,
    "```",
    "",
    `The adapter is written to \`out/adapter/\` (PEFT format), the logged loss to \`out/trainer_state.json\`.`,
    `Vocabulary after added tokens: ${embeddingRows(input)} rows; LoRA r=${input.settings.lora.r}, lora_alpha=${input.settings.lora.loraAlpha}; learning rate ${input.settings.learningRate}.`,
    "",
    "## Bring it back into the playground",
    "",
    "1. **The loss curve**: drop `out/trainer_state.json` on this run's row in the playground's runs table (or use its",
    "   `trainer log` button): the Trainer's logged loss is drawn over the playground's own curve for the run.",
    "2. **The adapter**: the playground's CLI loads PEFT adapters (LoRA `lora_A`/`lora_B`, and the added tokens' rows",
    "   from `trainable_tokens_delta`). Check that both sides agree, example by example:",
    "",
    "```bash",
    `python ${EVALUATE_FILE} --adapter out/adapter`,
    `npm run -s cli -- evaluate --model ${input.model.kind === "bundled" ? "default" : "MODEL_DIR"} --adapter out/adapter --data ${TOKENIZED_FILE}`,
    `npm run -s cli -- generate --model ${input.model.kind === "bundled" ? "default --prompt 'How do you say \"dog\" in Spanish?'" : "MODEL_DIR --input-ids …"} --adapter out/adapter`,
    "```",
    "",
    "## What is not exact, and why",
    "",
    ...notExact(input),
    "",
    `Settings as the playground holds them: \`${CONFIG_FILE}\` → \`playground.settings\`. Base model in the config: \`${String(config.base_model)}\`.`,
    "",
  ].join("\n");
}
