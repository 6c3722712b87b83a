// playground_config.json: every hyperparameter of the exported run, in PEFT's LoraConfig and
// transformers' TrainingArguments names, read by train.py, trl_sft.py and evaluate.py (each passes
// lora_config and training_arguments on whole, `LoraConfig(**...)`, `TrainingArguments(**...)`), so
// the numbers live in one file that a test can parse back. Values come from toHf() (core/settings/hf.ts),
// the engine's own conversion: the settings table's fields by their Trainer/PEFT names, and HF's
// defaults for what the playground's Trainer fixes (AdamW's betas, epsilon, clipping).
import { splitForEvaluation } from "../evalSplit";
import { toHf } from "../settings/hf";
import { ENGINE_TRAINER_CHOICES } from "../settings/trainerDefaults";
import type { TrainingSettings } from "../settings/trainingSettings";
import type { TrainExample } from "../protocol";
import type { ExportInput } from "./types";

/** Bumped when a key changes meaning; the scripts refuse a config of another version. */
export const EXPORT_FORMAT_VERSION = 1;
export const CONFIG_FILE = "playground_config.json";
export const TOKENIZED_FILE = "data/tokenized.jsonl";
export const MESSAGES_FILE = "data/messages.jsonl";
/** The eval split's examples, as tokenized.jsonl holds the trained ones (written only when there is an eval split). */
export const EVAL_TOKENIZED_FILE = "data/eval_tokenized.jsonl";
/** The bundled model's weights, written by the CLI (the page cannot: the model lives in the worker). */
export const BUNDLED_MODEL_DIR = "base-model";

/** LoraConfig; the table's trainNewTokenRows becomes `trainableTokenIndices`. */
function loraConfigOf(settings: TrainingSettings, trainableTokenIndices: number[] | null): Record<string, unknown> {
  return {
    ...toHf(settings).loraConfig,
    // The playground's LoRA has no bias and adapts a causal LM (engine/adapter.ts writes the same).
    bias: "none",
    task_type: "CAUSAL_LM",
    // PEFT >= 0.15: TrainableTokensLayer keeps a trained copy of these rows only (peft/tuners/trainable_tokens/layer.py),
    // as the engine's newTokenRows does.
    trainable_token_indices: trainableTokenIndices,
  };
}

/**
 * The examples trained and evaluated: the eval split as the engine's run makes it (core/evalSplit.ts,
 * same seed), so the exported eval_dataset is the one whose loss the playground drew.
 */
export function exportSplit(input: Pick<ExportInput, "examples" | "settings">): { train: TrainExample[]; eval: TrainExample[] } {
  return splitForEvaluation(input.examples, input.settings.evalSplit, input.settings.seed);
}

/** TrainingArguments; eval_strategy only with an eval split, since Trainer refuses one without an eval_dataset. */
function trainingArgumentsOf(settings: TrainingSettings, evaluated: boolean): Record<string, unknown> {
  const { trainingArguments, evalArguments } = toHf(settings);
  return {
    ...trainingArguments,
    ...ENGINE_TRAINER_CHOICES,
    ...(evaluated ? evalArguments : { eval_strategy: "no" }),
    // The scripts save the adapter once at the end (save_embedding_layers=False, see train.py).
    save_strategy: "no",
    report_to: "none",
    // The collator needs input_ids, attention_mask and labels; the Trainer would drop columns a PeftModel's
    // forward signature does not name.
    remove_unused_columns: false,
  };
}

/** Rows the embedding has after the playground's resize: it grows for added tokens, never shrinks. */
export function embeddingRows(input: Pick<ExportInput, "modelVocabSize" | "addedTokens">): number {
  return Math.max(input.modelVocabSize, ...Object.values(input.addedTokens).map((id) => id + 1));
}

/** The rows the engine trains when "train added-token embeddings" is on: from the first added id to the end. */
function trainableTokenIndices(input: ExportInput): number[] | null {
  const added = Object.values(input.addedTokens);
  if (!input.settings.lora.trainNewTokenRows || added.length === 0) return null;
  const start = Math.min(...added);
  return Array.from({ length: embeddingRows(input) - start }, (_, i) => start + i);
}

export function playgroundConfig(input: ExportInput) {
  const m = input.model;
  const baseModel = m.kind === "hub" ? m.id : m.kind === "bundled" ? BUNDLED_MODEL_DIR : m.name;
  const split = exportSplit(input);
  return {
    format: "finetuning-playground-export",
    version: EXPORT_FORMAT_VERSION,
    base_model: baseModel,
    base_model_revision: m.kind === "hub" ? m.revision : null,
    bundled_model: m.kind === "bundled",
    strategy: input.strategy,
    ...(input.trainer !== undefined ? { trainer: input.trainer } : {}),
    data: {
      tokenized: TOKENIZED_FILE,
      messages: input.chats ? MESSAGES_FILE : null,
      examples: split.train.length,
      eval_tokenized: split.eval.length ? EVAL_TOKENIZED_FILE : null,
      eval_examples: split.eval.length,
      truncated_examples: input.truncated,
    },
    tokenizer: {
      name: input.tokenizerName,
      // Added in this order, so they get these ids (tokenizer.add_tokens appends at len(tokenizer)).
      added_tokens: Object.entries(input.addedTokens)
        .sort((a, b) => a[1] - b[1])
        .map(([content, id]) => ({ content, id })),
      pad_token_id: input.padTokenId,
    },
    vocab_size: embeddingRows(input),
    max_seq_length: input.settings.maxSeqLength,
    lora_config: loraConfigOf(input.settings, trainableTokenIndices(input)),
    training_arguments: trainingArgumentsOf(input.settings, split.eval.length > 0),
    // TRL SFTConfig's packing, packing_strategy, padding_free and max_length (trl_sft.py; axolotl.yaml's sample_packing).
    sft_arguments: toHf(input.settings).sftArguments,
    // The playground's own record of the run, for the README and for reading it back in the playground.
    playground: { settings: input.settings, run: input.run },
  };
}
