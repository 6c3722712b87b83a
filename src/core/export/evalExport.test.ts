// The new settings in the export: accumulation, decay, schedule, warmup ratio, clipping, logging and the
// eval split reach playground_config.json, axolotl.yaml and the DeepSpeed config, and the eval split's
// examples are the ones the engine's run evaluates (core/evalSplit.ts with the run's seed).
import { describe, expect, it } from "vitest";
import { splitForEvaluation } from "../evalSplit";
import { DEFAULT_STATE } from "../playgroundState";
import type { TrainingSettings } from "../settings/trainingSettings";
import { IGNORE_INDEX as I } from "../types";
import { ACCELERATE_FILES } from "./accelerate";
import { AXOLOTL_FILE, axolotlValues } from "./axolotl";
import { CONFIG_FILE, EVAL_TOKENIZED_FILE, TOKENIZED_FILE } from "./config";
import { exportFiles, fileChunks, type ExportInput } from "./index";

const EXAMPLES = Array.from({ length: 10 }, (_, k) => ({ inputIds: [1, 10 + k, 20 + k, 2], labels: [I, I, 20 + k, 2] }));

const SETTINGS: TrainingSettings = {
  ...DEFAULT_STATE.training,
  gradientAccumulationSteps: 4,
  weightDecay: 0.01,
  lrSchedulerType: "cosine_with_min_lr",
  minLrRate: 0.2,
  warmupRatio: 0.1,
  maxGradNorm: 0.5,
  loggingSteps: 3,
  evalSplit: 0.3,
  evalStrategy: "steps",
  evalSteps: 7,
  seed: 9,
};

function exportOf(settings: TrainingSettings) {
  const input: ExportInput = {
    strategy: null,
    formatting: null,
    settings,
    chats: null,
    examples: EXAMPLES,
    truncated: [],
    model: { kind: "folder", name: "model" },
    tokenizerName: "tok",
    addedTokens: {},
    padTokenId: 0,
    modelVocabSize: 64,
    run: null,
    writer: "cli",
  };
  const files = exportFiles(input);
  const text = (path: string) =>
    [...fileChunks(files.find((f) => f.path === path) ?? { path, text: "(missing)" })]
      .map((c) => (typeof c === "string" ? c : ""))
      .join("");
  return { input, files, text };
}

describe("export with the trainer's habits", () => {
  it("puts each setting under its TrainingArguments name, cosine_with_min_lr's floor in lr_scheduler_kwargs", () => {
    const config = JSON.parse(exportOf(SETTINGS).text(CONFIG_FILE));
    expect(config.training_arguments).toMatchObject({
      gradient_accumulation_steps: 4,
      weight_decay: 0.01,
      lr_scheduler_type: "cosine_with_min_lr",
      lr_scheduler_kwargs: { min_lr_rate: 0.2 },
      warmup_ratio: 0.1,
      max_grad_norm: 0.5,
      logging_steps: 3,
      eval_strategy: "steps",
      eval_steps: 7,
      per_device_eval_batch_size: 8,
    });
    expect(config.training_arguments).not.toHaveProperty("min_lr_rate");
  });

  it("writes the eval split's examples apart, the same ones the run evaluates, and the rest as the training data", () => {
    const { text } = exportOf(SETTINGS);
    const split = splitForEvaluation(EXAMPLES, 0.3, 9);
    const ids = (jsonl: string) =>
      jsonl
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { input_ids: number[] }).input_ids);
    expect(ids(text(EVAL_TOKENIZED_FILE))).toEqual(split.eval.map((e) => e.inputIds));
    expect(ids(text(TOKENIZED_FILE))).toEqual(split.train.map((e) => e.inputIds));
    const config = JSON.parse(text(CONFIG_FILE));
    expect(config.data).toMatchObject({ examples: 7, eval_examples: 3, eval_tokenized: EVAL_TOKENIZED_FILE });
  });

  it("without an eval split has no eval file and eval_strategy no (Trainer refuses one without an eval_dataset)", () => {
    const { files, text } = exportOf({ ...SETTINGS, evalSplit: 0 });
    expect(files.map((f) => f.path)).not.toContain(EVAL_TOKENIZED_FILE);
    expect(JSON.parse(text(CONFIG_FILE)).training_arguments.eval_strategy).toBe("no");
    expect(text(AXOLOTL_FILE)).not.toContain("test_datasets");
  });

  it("gives axolotl the schedule, warmup ratio, accumulation, evaluation and the eval file as test_datasets", () => {
    const { input, text } = exportOf(SETTINGS);
    expect(Object.fromEntries(axolotlValues(input))).toMatchObject({
      lr_scheduler: "cosine_with_min_lr",
      lr_scheduler_kwargs: { min_lr_rate: 0.2 },
      warmup_ratio: 0.1,
      gradient_accumulation_steps: 4,
      weight_decay: 0.01,
      max_grad_norm: 0.5,
      logging_steps: 3,
      eval_strategy: "steps",
      eval_steps: 7,
      val_set_size: 0,
    });
    expect(text(AXOLOTL_FILE)).toContain(
      `test_datasets:\n  - path: "${EVAL_TOKENIZED_FILE}"\n    ds_type: json\n    split: train\n    type:\n`,
    );
  });

  it("gives DeepSpeed the run's accumulation and clipping, which transformers checks against TrainingArguments", () => {
    const zero2 = exportOf(SETTINGS).text(ACCELERATE_FILES.zero2);
    expect(zero2).toContain("  gradient_accumulation_steps: 4\n");
    expect(zero2).toContain("  gradient_clipping: 0.5\n");
  });
});
